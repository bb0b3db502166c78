import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextField } from '../../ui/Field';
import { useDebounced } from '../../ui/hooks';
import { useWorkspace } from '../workspace/workspace';
import { audienceChosen, type AudienceForm, type CampaignForm } from './campaignForm';
import type { Campaign, CampaignInput } from './campaignsApi';

const AUDIENCE_FIELDS = ['audience', 'audience.tags_any', 'audience.tags_all', 'audience.exclude_tags', 'audience.search'];

interface AudienceStepProps {
  form: CampaignForm;
  onAudience: (audience: AudienceForm) => void;
  /** The draft as it would be saved now. */
  input: CampaignInput;
  draftId: string | null;
  /** Saves the draft (in order with the wizard's other saves). */
  persist: (input: CampaignInput) => Promise<Campaign>;
  /** The error of the last attempt to go on, shown next to its field. */
  error: unknown;
}

/** Who gets the campaign, with the audience's size counted live by the dry-run route. */
export function AudienceStep({ form, onAudience, input, draftId, persist, error }: AudienceStepProps) {
  const t = useT();
  const format = useFormat();
  const { workspace, can } = useWorkspace();
  const audience = form.audience;
  const set = (patch: Partial<AudienceForm>) => onAudience({ ...audience, ...patch });
  const settled = useDebounced(input, 400);
  const chosen = audienceChosen(settled.audience);
  // The dry run counts what a saved draft would do: the draft is saved first, then counted.
  const canCount = can('campaigns', 'write') && can('contacts', 'read');
  const size = useQuery({
    queryKey: ['campaigns', workspace.id, 'audience-size', draftId, settled],
    enabled: Boolean(draftId) && chosen && canCount,
    placeholderData: (previous) => previous,
    retry: false,
    queryFn: async () => {
      const saved = await persist(settled);
      return unwrap(
        api.POST('/api/v1/workspaces/{workspace}/campaigns/{id}/dry-run', {
          params: { path: { workspace: workspace.id, id: saved.id }, query: { samples: 0 } },
        }),
      );
    },
  });
  const shownError = error ?? size.error;
  const kept = useMemo(() => {
    const parts: string[] = [];
    for (const [name, value] of Object.entries(audience.kept.custom ?? {})) parts.push(`${name} = ${value}`);
    if (audience.kept.contact_ids?.length) parts.push(t('campaigns.keptContacts', { count: audience.kept.contact_ids.length }));
    return parts;
  }, [audience.kept, t]);

  return (
    <div className="stack">
      <h2>{t('campaigns.step.audience')}</h2>
      <CheckboxField label={t('campaigns.allContacts')} checked={audience.all} onChecked={(all) => set({ all })} hint={t('campaigns.allContactsHint')} />
      <div className="grid-2">
        {audience.all ? null : (
          <>
            <TextField label={t('campaigns.tagsAny')} value={audience.tagsAny} onValue={(tagsAny) => set({ tagsAny })} hint={t('campaigns.tagsAnyHint')} error={fieldError(shownError, 'audience.tags_any')} />
            <TextField label={t('campaigns.tagsAll')} value={audience.tagsAll} onValue={(tagsAll) => set({ tagsAll })} hint={t('campaigns.tagsAllHint')} error={fieldError(shownError, 'audience.tags_all')} />
            <TextField label={t('campaigns.search')} type="search" value={audience.search} onValue={(search) => set({ search })} hint={t('campaigns.searchHint')} error={fieldError(shownError, 'audience.search')} />
          </>
        )}
        <TextField label={t('campaigns.excludeTags')} value={audience.excludeTags} onValue={(excludeTags) => set({ excludeTags })} hint={t('campaigns.excludeTagsHint')} error={fieldError(shownError, 'audience.exclude_tags')} />
      </div>
      {!audience.all && kept.length > 0 ? <p className="hint">{t('campaigns.keptCriteria', { criteria: kept.join('; ') })}</p> : null}
      {fieldError(shownError, 'audience') ? <p className="field-error" role="alert">{fieldError(shownError, 'audience')}</p> : null}
      <ErrorMessage message={actionError(shownError, AUDIENCE_FIELDS)} />
      <div className="audience-size" aria-live="polite" role="status">
        {!chosen ? (
          <p className="muted">{t('campaigns.chooseAudience')}</p>
        ) : !canCount ? (
          <p className="muted">{t('campaigns.cannotCount')}</p>
        ) : size.data ? (
          <p>
            <strong data-testid="audience-size">{t('campaigns.audienceSize', { count: size.data.audience })}</strong>
            {' · '}
            {t('campaigns.wouldSend', { count: size.data.would_send })}
            {Object.entries(size.data.skipped)
              .filter(([, n]) => n > 0)
              .map(([reason, n]) => ` · ${t('campaigns.skippedReason', { reason: reasonLabel(t, reason), count: format.number(n) })}`)
              .join('')}
            {size.isFetching ? <span className="muted"> {t('campaigns.counting')}</span> : null}
          </p>
        ) : size.isFetching || !draftId ? (
          <p className="muted">{t('campaigns.counting')}</p>
        ) : null}
      </div>
    </div>
  );
}

/** A skip reason in words (`opted_out`, `no_address`, `not_on_whatsapp`); others as the API names them. */
export function reasonLabel(t: ReturnType<typeof useT>, reason: string): string {
  if (reason === 'opted_out') return t('campaigns.reason.opted_out');
  if (reason === 'no_address') return t('campaigns.reason.no_address');
  if (reason === 'not_on_whatsapp') return t('campaigns.reason.not_on_whatsapp');
  return reason;
}
