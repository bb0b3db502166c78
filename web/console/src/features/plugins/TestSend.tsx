import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { useWorkspace } from '../workspace/workspace';

/** Sends one message through a transport plugin, to check its configuration. */
export function TestSend({ plugin }: { plugin: string }) {
  const t = useT();
  const { workspace } = useWorkspace();
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const send = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/workspaces/{workspace}/plugins/{name}/test-send', { params: { path: { workspace: workspace.id, name: plugin } }, body: { to, text } })),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    send.mutate();
  }
  return (
    <form className="stack" onSubmit={submit} aria-label={t('plugins.testSendOf', { name: plugin })}>
      <div className="grid-2">
        <TextField label={t('plugins.testTo')} required value={to} onValue={setTo} error={fieldError(send.error, 'to')} />
        <TextField label={t('plugins.testText')} required value={text} onValue={setText} error={fieldError(send.error, 'text')} />
      </div>
      <ErrorMessage message={actionError(send.error, ['to', 'text'])} />
      {send.data ? <p role="status">{t('plugins.testSent', { id: send.data.provider_message_id })}</p> : null}
      <div>
        <Button type="submit" busy={send.isPending}>
          {t('plugins.testSend')}
        </Button>
      </div>
    </form>
  );
}
