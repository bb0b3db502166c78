import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { EmptyState, Loading, PageHeader } from '../../ui/Layout';
import { SelectField } from '../../ui/SelectField';
import { useNotify } from '../../ui/Toast';
import { stateBadge as channelBadge, useChannels } from '../channels/channelsApi';
import { templateKeys } from '../templates/templatesApi';
import { RequirePermission, useWorkspace } from '../workspace/workspace';
import { AudienceStep } from './AudienceStep';
import { emptyForm, formFromCampaign, inputFromForm, type CampaignForm } from './campaignForm';
import { campaignKeys, type Campaign, type CampaignInput } from './campaignsApi';
import { PreviewStep } from './PreviewStep';
import { ScheduleStep } from './ScheduleStep';

type Step = 'basics' | 'audience' | 'channel' | 'schedule' | 'preview';
const STEPS: readonly Step[] = ['basics', 'audience', 'channel', 'schedule', 'preview'];

/**
 * New campaign: name and template → audience (its size counted live) → channel → schedule, window
 * and rate → dry-run preview → start. The dry run works on a stored campaign, so the draft is saved
 * when the first step is done and after each later one; `?draft=<id>` continues a saved draft.
 */
export default function CampaignWizardPage() {
  // A campaign names a template and a channel: the API wants both readable.
  return (
    <RequirePermission resource="templates" action="read">
      <RequirePermission resource="channels" action="read">
        <CampaignWizard />
      </RequirePermission>
    </RequirePermission>
  );
}

function CampaignWizard() {
  const t = useT();
  const { workspace } = useWorkspace();
  const [params] = useSearchParams();
  // Read once: the wizard puts the draft it creates into the address itself.
  const [draftParam] = useState(() => params.get('draft'));
  const draft = useQuery({
    queryKey: campaignKeys.one(workspace.id, draftParam ?? ''),
    enabled: Boolean(draftParam),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/campaigns/{id}', { params: { path: { workspace: workspace.id, id: draftParam ?? '' } } })),
    staleTime: Infinity,
  });
  const header = (
    <PageHeader title={t('campaigns.newTitle')}>
      <p className="muted">
        <Link to={`/w/${workspace.id}/campaigns`}>← {t('nav.campaigns')}</Link>
      </p>
    </PageHeader>
  );
  if (draftParam && draft.isPending) return <Loading label={t('common.loading')} />;
  if (draftParam && draft.error) {
    return (
      <>
        {header}
        <ErrorMessage message={draft.error.message} />
      </>
    );
  }
  if (draft.data && draft.data.state !== 'draft') {
    return (
      <>
        {header}
        <p>
          {t('campaigns.notADraft')} <Link to={`/w/${workspace.id}/campaigns/${draft.data.id}`}>{draft.data.name}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      {header}
      <Wizard initial={draft.data ? formFromCampaign(draft.data, workspace.time_zone ?? undefined) : emptyForm()} initialId={draft.data?.id ?? null} />
    </>
  );
}

function Wizard({ initial, initialId }: { initial: CampaignForm; initialId: string | null }) {
  const t = useT();
  const notify = useNotify();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [, setParams] = useSearchParams();
  const { workspace, can } = useWorkspace();
  const zone = workspace.time_zone ?? undefined;
  const formId = useId();
  const [form, setForm] = useState<CampaignForm>(initial);
  const [step, setStep] = useState<Step>('basics');
  const [draftId, setDraftId] = useState<string | null>(initialId);
  const draftRef = useRef<string | null>(initialId);
  const saving = useRef<Promise<unknown>>(Promise.resolve());

  const templates = useQuery({
    queryKey: templateKeys.all(workspace.id),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/templates', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });
  const channels = useChannels();
  const channelItems = useMemo(() => channels.data?.items ?? [], [channels.data]);
  // Until one is chosen, the draft goes to the first active channel (a campaign needs one).
  const channel = form.channel || (channelItems.find((c) => c.state === 'active') ?? channelItems[0])?.id || '';
  const input = useMemo(() => inputFromForm({ ...form, channel }, zone), [form, channel, zone]);

  useEffect(() => {
    document.getElementById('wizard-step')?.focus();
  }, [step]);

  /** Saves the draft: creates it the first time, replaces it after; one save at a time, in order. */
  function persist(body: CampaignInput): Promise<Campaign> {
    const run = saving.current
      .catch(() => undefined)
      .then(async () => {
        const id = draftRef.current;
        const path = { workspace: workspace.id };
        const saved = id
          ? await unwrap(api.PUT('/api/v1/workspaces/{workspace}/campaigns/{id}', { params: { path: { ...path, id } }, body }))
          : await unwrap(api.POST('/api/v1/workspaces/{workspace}/campaigns', { params: { path }, body }));
        if (!id) {
          draftRef.current = saved.id;
          setDraftId(saved.id);
          setParams({ draft: saved.id }, { replace: true });
        }
        queryClient.setQueryData(campaignKeys.one(workspace.id, saved.id), saved);
        return saved;
      });
    saving.current = run;
    return run;
  }

  const advance = useMutation({
    mutationFn: async (next: Step) => {
      await persist(input);
      return next;
    },
    onSuccess: (next) => {
      void queryClient.invalidateQueries({ queryKey: campaignKeys.list(workspace.id) });
      setStep(next);
    },
  });

  const start = useMutation({
    mutationFn: async () => {
      const saved = await persist(input);
      return unwrap(api.POST('/api/v1/workspaces/{workspace}/campaigns/{id}/start', { params: { path: { workspace: workspace.id, id: saved.id } } }));
    },
    onSuccess: async (started) => {
      queryClient.setQueryData(campaignKeys.one(workspace.id, started.id), started);
      await queryClient.invalidateQueries({ queryKey: campaignKeys.list(workspace.id) });
      notify(t(started.state === 'scheduled' ? 'campaigns.scheduledNamed' : 'campaigns.startedNamed', { name: started.name }));
      void navigate(`/w/${workspace.id}/campaigns/${started.id}`);
    },
  });

  const index = STEPS.indexOf(step);
  const next = STEPS[index + 1];
  const previous = STEPS[index - 1];
  function submit(event: FormEvent) {
    event.preventDefault();
    if (next) advance.mutate(next);
  }
  function go(to: Step) {
    advance.reset();
    setStep(to);
  }

  const error = advance.error;
  const canSend = can('campaigns', 'send');
  const later = form.schedule.when === 'later';
  const noChannels = channels.isSuccess && channelItems.length === 0;
  const noTemplates = templates.isSuccess && templates.data.items.length === 0;

  return (
    <>
      <ol className="steps" aria-label={t('campaigns.steps')}>
        {STEPS.map((name, i) => (
          <li key={name} aria-current={name === step ? 'step' : undefined} className={name === step ? 'current' : index > i ? 'done' : ''}>
            <span className="step-number" aria-hidden="true">{i + 1}</span> {t(`campaigns.step.${name}`)}
          </li>
        ))}
      </ol>
      <section className="card" id="wizard-step" tabIndex={-1} aria-label={t(`campaigns.step.${step}`)}>
        <form id={formId} onSubmit={submit} className="stack">
          {step === 'basics' ? (
            <div className="stack narrow">
              <h2>{t('campaigns.step.basics')}</h2>
              <TextField label={t('campaigns.name')} required value={form.name} onValue={(name) => setForm((f) => ({ ...f, name }))} error={fieldError(error, 'name')} />
              {templates.isPending ? (
                <Loading label={t('common.loading')} />
              ) : noTemplates ? (
                <EmptyState>
                  {t('campaigns.noTemplates')} <Link to={`/w/${workspace.id}/templates/new`}>{t('templates.new')}</Link>
                </EmptyState>
              ) : (
                <SelectField
                  label={t('campaigns.template')}
                  value={form.template}
                  onValue={(template) => setForm((f) => ({ ...f, template }))}
                  error={fieldError(error, 'template')}
                  options={(templates.data?.items ?? []).map((template) => ({ value: template.id, label: template.name }))}
                />
              )}
              {form.template ? (
                <div className="sample">
                  <p className="bubble">{templates.data?.items.find((template) => template.id === form.template)?.body}</p>
                </div>
              ) : null}
              {noChannels ? (
                <EmptyState>
                  {t('campaigns.noChannels')} <Link to={`/w/${workspace.id}/channels`}>{t('nav.channels')}</Link>
                </EmptyState>
              ) : null}
              <ErrorMessage message={actionError(error, ['name', 'template'])} />
            </div>
          ) : null}
          {step === 'audience' ? (
            <AudienceStep
              form={form}
              onAudience={(audience) => setForm((f) => ({ ...f, audience }))}
              input={input}
              draftId={draftId}
              persist={persist}
              error={error}
            />
          ) : null}
          {step === 'channel' ? (
            <fieldset className="fieldset">
              <legend>{t('campaigns.step.channel')}</legend>
              <p className="hint">{t('campaigns.channelHint')}</p>
              <ul className="plain-list choices">
                {channelItems.map((item) => (
                  <li key={item.id}>
                    <label className={item.id === channel ? 'choice checked' : 'choice'}>
                      <input type="radio" name="channel" value={item.id} checked={item.id === channel} onChange={() => setForm((f) => ({ ...f, channel: item.id }))} />
                      <span>
                        <strong>{item.name}</strong> <span className="tag">{t(`channels.kind.${item.kind}`)}</span>
                        <span className={channelBadge(item.state)}>{t(`channels.state.${item.state}`)}</span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
              {fieldError(error, 'channel') ? <p className="field-error" role="alert">{fieldError(error, 'channel')}</p> : null}
              <ErrorMessage message={actionError(error, ['channel'])} />
            </fieldset>
          ) : null}
          {step === 'schedule' ? (
            <ScheduleStep
              schedule={form.schedule}
              rate={form.rate}
              onSchedule={(schedule) => setForm((f) => ({ ...f, schedule }))}
              onRate={(rate) => setForm((f) => ({ ...f, rate }))}
              error={error}
            />
          ) : null}
          {step === 'preview' && draftId ? (
            <>
              <h2>{t('campaigns.step.preview')}</h2>
              <PreviewStep draftId={draftId} />
              {canSend ? null : <p className="muted">{t('campaigns.cannotStart')}</p>}
              <ErrorMessage message={actionError(start.error)} />
            </>
          ) : null}
        </form>
        <div className="row wrap wizard-actions">
          {previous ? (
            <Button onClick={() => go(previous)} disabled={advance.isPending || start.isPending}>
              {t('common.back')}
            </Button>
          ) : null}
          {next ? (
            <Button type="submit" form={formId} variant="primary" busy={advance.isPending} disabled={!form.template || !channel}>
              {t('campaigns.next')}
            </Button>
          ) : canSend ? (
            <Button variant="primary" busy={start.isPending} onClick={() => start.mutate()}>
              {later ? t('campaigns.schedule') : t('campaigns.startNowButton')}
            </Button>
          ) : (
            <Link className="btn btn-primary" to={`/w/${workspace.id}/campaigns`}>
              {t('campaigns.keepDraft')}
            </Link>
          )}
        </div>
      </section>
    </>
  );
}
