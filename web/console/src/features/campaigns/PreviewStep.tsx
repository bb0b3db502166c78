import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { Loading } from '../../ui/Layout';
import { useWorkspace } from '../workspace/workspace';
import { reasonLabel } from './AudienceStep';
import { useDuration } from './campaignsApi';

/** What the saved draft would do (`POST …/dry-run`): audience, skips, the first messages, duration. */
export function PreviewStep({ draftId }: { draftId: string }) {
  const t = useT();
  const format = useFormat();
  const duration = useDuration();
  const { workspace, can } = useWorkspace();
  const canDryRun = can('campaigns', 'write') && can('contacts', 'read');
  const dryRun = useQuery({
    queryKey: ['campaigns', workspace.id, 'dry-run', draftId],
    enabled: canDryRun,
    staleTime: 0,
    gcTime: 0,
    retry: false,
    queryFn: () =>
      unwrap(
        api.POST('/api/v1/workspaces/{workspace}/campaigns/{id}/dry-run', {
          params: { path: { workspace: workspace.id, id: draftId }, query: { samples: 5 } },
        }),
      ),
  });

  if (!canDryRun) return <p className="muted">{t('campaigns.cannotCount')}</p>;
  if (dryRun.isPending) return <Loading label={t('campaigns.dryRunning')} />;
  if (dryRun.error) return <ErrorMessage message={actionError(dryRun.error)} />;
  const result = dryRun.data;
  const skipped = Object.entries(result.skipped);
  return (
    <div className="stack">
      <p className="muted">{t('campaigns.dryRunExplained')}</p>
      <dl className="counts">
        <div className="count">
          <dt>{t('campaigns.audience')}</dt>
          <dd data-testid="dry-run-audience">{format.number(result.audience)}</dd>
        </div>
        <div className="count count-created">
          <dt>{t('campaigns.wouldSendLabel')}</dt>
          <dd data-testid="dry-run-would-send">{format.number(result.would_send)}</dd>
        </div>
        {skipped.map(([reason, n]) => (
          <div className="count" key={reason}>
            <dt>{t('campaigns.skippedBecause', { reason: reasonLabel(t, reason) })}</dt>
            <dd>{format.number(n)}</dd>
          </div>
        ))}
      </dl>
      {result.unchecked_on_whatsapp ? (
        <p className="hint" data-testid="dry-run-unchecked">
          {t('campaigns.uncheckedOnWhatsapp', { count: format.number(result.unchecked_on_whatsapp) })}
        </p>
      ) : null}
      <p data-testid="dry-run-duration">
        {result.estimated_seconds === null || result.estimated_seconds === undefined
          ? t('campaigns.windowNeverOpens')
          : t('campaigns.estimate', {
              duration: duration(result.estimated_seconds),
              finish: result.estimated_finish ? format.dateTime(result.estimated_finish) : '—',
            })}
      </p>
      <section aria-labelledby="campaign-samples">
        <h3 id="campaign-samples">{t('campaigns.samples')}</h3>
        {result.samples.length === 0 ? (
          <p className="muted">{t('campaigns.noSamples')}</p>
        ) : (
          <ul className="plain-list samples">
            {result.samples.map((sample) => (
              <li key={sample.contact} className="sample" data-testid="dry-run-sample">
                <p className="small muted">{t('campaigns.sampleTo', { address: sample.address })}</p>
                <p className="bubble">{sample.text}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
