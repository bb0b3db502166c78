import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { workspaceKeys } from './workspace';

export function CreateWorkspaceDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/workspaces', { body: { name } })),
    onSuccess: async (workspace) => {
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.list });
      onOpenChange(false);
      setName('');
      void navigate(`/w/${workspace.id}`);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('workspace.createTitle')}>
      <form onSubmit={submit} className="stack">
        <TextField label={t('workspace.name')} required value={name} onValue={setName} error={fieldError(create.error, 'name')} />
        <ErrorMessage message={actionError(create.error, ['name'])} />
        <div className="dialog-actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('workspace.create')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
