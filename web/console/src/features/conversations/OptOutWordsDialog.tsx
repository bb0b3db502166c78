import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextAreaField } from '../../ui/Field';
import { Loading } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';

type Words = Schemas['OptOutWords'];

const wordsKey = (workspace: string) => ['opt-out-words', workspace] as const;
/** One word or phrase a line (commas separate too). */
const toList = (text: string) => [...new Set(text.split(/[\n,]/).map((word) => word.trim()).filter(Boolean))];

/** The workspace's opt-out and opt-in words: replies that take a contact out of (or back into) sending. */
export function OptOutWordsDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT();
  const { workspace } = useWorkspace();
  const words = useQuery({
    queryKey: wordsKey(workspace.id),
    enabled: open,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/opt-out', { params: { path: { workspace: workspace.id } } })),
  });
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('conversations.optOutWords')} description={t('conversations.optOutExplained')}>
      {words.isPending ? (
        <Loading label={t('common.loading')} />
      ) : words.error ? (
        <ErrorMessage message={words.error.message} />
      ) : (
        <WordsForm words={words.data} onDone={() => onOpenChange(false)} />
      )}
    </Dialog>
  );
}

function WordsForm({ words, onDone }: { words: Words; onDone: () => void }) {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canUpdate = can('workspace', 'update');
  const [optOut, setOptOut] = useState(words.opt_out.join('\n'));
  const [optIn, setOptIn] = useState(words.opt_in.join('\n'));
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PUT('/api/v1/workspaces/{workspace}/opt-out', { params: { path: { workspace: workspace.id } }, body: { opt_out: toList(optOut), opt_in: toList(optIn) } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(wordsKey(workspace.id), saved);
      notify(t('conversations.wordsSaved'));
      onDone();
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  return (
    <form className="stack" onSubmit={submit}>
      <div className="grid-2">
        <TextAreaField label={t('conversations.optOutList')} rows={5} value={optOut} onValue={setOptOut} readOnly={!canUpdate} hint={t('conversations.oneAWord')} error={fieldError(save.error, 'opt_out')} />
        <TextAreaField label={t('conversations.optInList')} rows={5} value={optIn} onValue={setOptIn} readOnly={!canUpdate} hint={t('conversations.oneAWord')} error={fieldError(save.error, 'opt_in')} />
      </div>
      {canUpdate ? null : <p className="muted">{t('conversations.wordsReadOnly')}</p>}
      <ErrorMessage message={actionError(save.error, ['opt_out', 'opt_in'])} />
      <div className="dialog-actions">
        <Button onClick={onDone}>{canUpdate ? t('common.cancel') : t('common.close')}</Button>
        {canUpdate ? (
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('common.save')}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
