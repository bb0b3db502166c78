import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextField } from '../../ui/Field';
import { TableWrap } from '../../ui/Layout';
import { ImportCounts } from '../imports/ImportCounts';
import { isFinished, useImportProgress, type ImportJob } from '../imports/useImportProgress';
import { useWorkspace } from '../workspace/workspace';
import type { Channel } from './channelsApi';

/** Contacts shown per page. */
const PAGE = 100;

interface WaContactsDialogProps {
  channel: Channel | null;
  onClose: () => void;
}

/** The contacts WhatsApp synced to a paired channel, to pick and import as an ordinary import job. */
export function WaContactsDialog({ channel, onClose }: WaContactsDialogProps) {
  return channel ? <WaContactsFrame key={channel.id} channel={channel} onClose={onClose} /> : null;
}

function WaContactsFrame({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const t = useT();
  const { workspace } = useWorkspace();
  const [search, setSearch] = useState('');
  const [settled, setSettled] = useState('');
  const [after, setAfter] = useState<string[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [started, setStarted] = useState<ImportJob | null>(null);
  const job = useImportProgress(workspace.id, started);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      setSettled(search.trim());
      setAfter([]);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [search]);

  const cursor = after.at(-1);
  const page = useQuery({
    queryKey: ['channels', workspace.id, 'wa-contacts', channel.id, settled, cursor ?? ''],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace}/channels/{id}/contacts', {
          params: { path: { workspace: workspace.id, id: channel.id }, query: { limit: PAGE, ...(settled ? { search: settled } : {}), ...(cursor ? { after: cursor } : {}) } },
        }),
      ),
  });
  const importing = useMutation({
    mutationFn: (numbers: string[] | null) =>
      unwrap(
        api.POST('/api/v1/workspaces/{workspace}/channels/{id}/contacts/import', {
          params: { path: { workspace: workspace.id, id: channel.id } },
          body: numbers ? { numbers } : {},
        }),
      ),
    onSuccess: (queued) => setStarted(queued),
  });

  function toggle(number: string, on: boolean) {
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(number);
      else next.delete(number);
      return next;
    });
  }

  const items = page.data?.items ?? [];
  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())} title={t('channels.waContactsTitle', { name: channel.name })} description={t('channels.waContactsExplained')} wide>
      <div className="stack">
        {job ? (
          <section aria-live="polite" className="stack" data-testid="wa-import">
            <p>{isFinished(job) ? (job.status === 'done' ? t('channels.waImportDone') : t('channels.waImportFailed', { reason: job.failure ?? '' })) : t('channels.waImportRunning')}</p>
            <ImportCounts counts={job.counts} />
          </section>
        ) : (
          <>
            <TextField label={t('channels.waSearch')} type="search" value={search} onValue={setSearch} />
            <ErrorMessage message={page.error?.message} />
            {page.isPending ? (
              <p className="muted">{t('common.loading')}</p>
            ) : items.length === 0 ? (
              <p className="muted" data-testid="wa-contacts-none">
                {t('channels.waContactsNone')}
              </p>
            ) : (
              <TableWrap label={t('channels.waContactsTitle', { name: channel.name })}>
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">
                        <span className="visually-hidden">{t('channels.waChoose')}</span>
                      </th>
                      <th scope="col">{t('channels.waNumber')}</th>
                      <th scope="col">{t('channels.waName')}</th>
                      <th scope="col">{t('channels.waPushName')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((contact) => (
                      <tr key={contact.number}>
                        <td>
                          <CheckboxField label={t('channels.waChooseNamed', { number: contact.number })} checked={chosen.has(contact.number)} onChecked={(on) => toggle(contact.number, on)} />
                        </td>
                        <td>{contact.number}</td>
                        <td>{contact.name ?? ''}</td>
                        <td>{contact.push_name ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            <div className="row wrap">
              {after.length > 0 ? <Button onClick={() => setAfter(after.slice(0, -1))}>{t('channels.waPrevious')}</Button> : null}
              {page.data?.next ? <Button onClick={() => setAfter([...after, page.data.next as string])}>{t('channels.waNext')}</Button> : null}
            </div>
            <ErrorMessage message={actionError(importing.error)} />
          </>
        )}
        <div className="dialog-actions">
          <Button onClick={onClose}>{t('common.close')}</Button>
          {job ? null : (
            <>
              <Button disabled={chosen.size === 0} busy={importing.isPending && importing.variables !== null} onClick={() => importing.mutate([...chosen])}>
                {t('channels.waImportChosen', { count: chosen.size })}
              </Button>
              <Button variant="primary" disabled={items.length === 0} busy={importing.isPending && importing.variables === null} onClick={() => importing.mutate(null)}>
                {t('channels.waImportAll')}
              </Button>
            </>
          )}
        </div>
      </div>
    </Dialog>
  );
}
