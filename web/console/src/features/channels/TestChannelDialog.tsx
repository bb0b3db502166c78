import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { useWorkspace } from '../workspace/workspace';
import { channelKeys, settingsOf, type Channel } from './channelsApi';

interface TestChannelDialogProps {
  channel: Channel | null;
  onClose: () => void;
}

/** Sends one message through a channel now, outside any campaign (`POST …/channels/{id}/test`). */
export function TestChannelDialog({ channel, onClose }: TestChannelDialogProps) {
  return channel ? <TestChannelFrame key={channel.id} channel={channel} onClose={onClose} /> : null;
}

function TestChannelFrame({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const { workspace } = useWorkspace();
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const byEmail = channel.kind === 'smtp' || settingsOf(channel).address === 'email';
  const send = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/workspaces/{workspace}/channels/{id}/test', {
          params: { path: { workspace: workspace.id, id: channel.id } },
          body: { to: to.trim(), text: text.trim() === '' ? null : text },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: channelKeys.all(workspace.id) }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    send.mutate();
  }

  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())} title={t('channels.testTitle', { name: channel.name })} description={t('channels.testExplained')}>
      <form className="stack" onSubmit={submit}>
        <TextField
          label={t('channels.testTo')}
          required
          type={byEmail ? 'email' : 'tel'}
          autoComplete="off"
          value={to}
          onValue={setTo}
          hint={byEmail ? t('channels.testToEmail') : t('channels.testToPhone')}
          error={fieldError(send.error, 'to')}
        />
        <TextField label={t('channels.testText')} value={text} onValue={setText} placeholder={t('channels.testTextDefault')} error={fieldError(send.error, 'text')} />
        <ErrorMessage message={actionError(send.error, ['to', 'text'])} />
        {send.data ? (
          <p role="status" data-testid="test-result">
            {t('channels.testSent', { id: send.data.provider_message_id })}
          </p>
        ) : null}
        <div className="dialog-actions">
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button type="submit" variant="primary" busy={send.isPending}>
            {t('channels.sendTest')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
