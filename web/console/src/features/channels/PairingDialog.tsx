import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { useWorkspace } from '../workspace/workspace';
import { accountOf, channelKeys, stateBadge, useChannels, type Channel } from './channelsApi';

/** How often the QR code and the channel's state are read again while the dialog is open. */
const REFRESH_MS = 3000;

interface PairingDialogProps {
  channel: Channel | null;
  onClose: () => void;
}

/** Pairs a WhatsApp Web channel: the QR code as it rotates, or a code to type on the phone. */
export function PairingDialog({ channel, onClose }: PairingDialogProps) {
  return channel ? <PairingFrame key={channel.id} channelId={channel.id} onClose={onClose} /> : null;
}

function PairingFrame({ channelId, onClose }: { channelId: string; onClose: () => void }) {
  const t = useT();
  const format = useFormat();
  const queryClient = useQueryClient();
  const { workspace } = useWorkspace();
  const channels = useChannels();
  const channel = channels.data?.items.find((c) => c.id === channelId);
  const [tick, setTick] = useState(0);
  const [qrShown, setQrShown] = useState(true);
  const [phone, setPhone] = useState('');
  const path = { workspace: workspace.id, id: channelId };

  // The QR code rotates and the state changes on the server: both are read again every few seconds.
  useEffect(() => {
    const timer = window.setInterval(() => {
      setTick((n) => n + 1);
      void queryClient.invalidateQueries({ queryKey: channelKeys.all(workspace.id) });
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [queryClient, workspace.id]);

  const pairAgain = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/workspaces/{workspace}/channels/{id}/pair', { params: { path } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: channelKeys.all(workspace.id) }),
  });
  const code = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/workspaces/{workspace}/channels/{id}/pair-code', { params: { path }, body: { phone: phone.trim() } })),
  });

  function requestCode(event: FormEvent) {
    event.preventDefault();
    code.mutate();
  }

  const state = channel?.state;
  const paired = state === 'active' || state === 'paused';
  const qrUrl = `/api/v1/workspaces/${encodeURIComponent(workspace.id)}/channels/${encodeURIComponent(channelId)}/qr?format=svg&n=${tick}`;
  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())} title={t('channels.pairTitle', { name: channel?.name ?? '' })} description={t('channels.pairExplained')}>
      <div className="stack">
        {state ? (
          <p>
            <span className={stateBadge(state)} data-testid="pairing-state" data-state={state}>
              {t(`channels.state.${state}`)}
            </span>{' '}
            {channel?.state_reason ? <span className="small">{channel.state_reason}</span> : null}
          </p>
        ) : null}
        {paired ? (
          <p role="status" data-testid="paired">
            {t('channels.paired', { number: accountOf(channel ?? null).number ?? '' })}
          </p>
        ) : state === 'logged_out' || state === 'error' ? (
          <div className="stack">
            <p>{t('channels.pairNeeded')}</p>
            <ErrorMessage message={actionError(pairAgain.error)} />
            <div>
              <Button variant="primary" busy={pairAgain.isPending} onClick={() => pairAgain.mutate()}>
                {t('channels.pairAgain')}
              </Button>
            </div>
          </div>
        ) : (
          <>
            <figure className="qr" aria-live="polite">
              <img
                src={qrUrl}
                alt={t('channels.qrAlt')}
                width={264}
                height={264}
                hidden={!qrShown}
                onLoad={() => setQrShown(true)}
                onError={() => setQrShown(false)}
                data-testid="pairing-qr"
              />
              {qrShown ? null : (
                <figcaption className="muted" data-testid="qr-waiting">
                  {t('channels.qrWaiting')}
                </figcaption>
              )}
            </figure>
            <form className="stack" onSubmit={requestCode}>
              <TextField label={t('channels.pairPhone')} type="tel" autoComplete="off" required value={phone} onValue={setPhone} hint={t('channels.pairPhoneHint')} error={fieldError(code.error, 'phone')} />
              <ErrorMessage message={actionError(code.error, ['phone'])} />
              {code.data ? (
                <p role="status" data-testid="pair-code">
                  {t('channels.pairCodeShown', { code: code.data.code, until: format.dateTime(code.data.expires_at) })}
                </p>
              ) : null}
              <div>
                <Button type="submit" busy={code.isPending}>
                  {t('channels.pairCodeAsk')}
                </Button>
              </div>
            </form>
          </>
        )}
        <div className="dialog-actions">
          <Button onClick={onClose}>{t('common.close')}</Button>
        </div>
      </div>
    </Dialog>
  );
}
