import { parseTags } from '../../ui/hooks';
import type { Audience, Campaign, CampaignInput } from './campaignsApi';
import { isoToZoned, zonedToIso } from './zonedTime';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface AudienceForm {
  all: boolean;
  tagsAny: string;
  tagsAll: string;
  excludeTags: string;
  search: string;
  /** Criteria the wizard does not edit (custom fields, contact ids), kept as the API gave them. */
  kept: Pick<Audience, 'custom' | 'contact_ids'>;
}

export interface ScheduleForm {
  when: 'now' | 'later';
  /** `YYYY-MM-DDTHH:MM` in the workspace's time zone. */
  startAt: string;
  windowOn: boolean;
  days: string[];
  from: string;
  to: string;
}

export interface RateForm {
  /** No per-minute limit (rehearsals on a sandbox channel). */
  unlimited: boolean;
  perMinute: string;
  jitterMinMs: string;
  jitterMaxMs: string;
  dailyCap: string;
  gapSeconds: string;
}

export interface CampaignForm {
  name: string;
  template: string;
  channel: string;
  audience: AudienceForm;
  schedule: ScheduleForm;
  rate: RateForm;
}

/** The server's defaults: what senders who care about bans use. */
export const DEFAULT_RATE: RateForm = { unlimited: false, perMinute: '20', jitterMinMs: '1000', jitterMaxMs: '4000', dailyCap: '', gapSeconds: '' };

export function emptyForm(): CampaignForm {
  return {
    name: '',
    template: '',
    channel: '',
    audience: { all: true, tagsAny: '', tagsAll: '', excludeTags: '', search: '', kept: {} },
    schedule: { when: 'now', startAt: '', windowOn: false, days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' },
    rate: DEFAULT_RATE,
  };
}

const join = (tags: string[] | undefined) => (tags ?? []).join(', ');
const optionalNumber = (text: string): number | null => (text.trim() === '' ? null : Number(text));

export function formFromCampaign(campaign: Campaign, zone: string | undefined): CampaignForm {
  const audience = campaign.audience;
  const window = campaign.schedule?.window ?? null;
  const rate = campaign.rate;
  return {
    name: campaign.name,
    template: campaign.template,
    channel: campaign.channel,
    audience: {
      all: audience.all ?? false,
      tagsAny: join(audience.tags_any),
      tagsAll: join(audience.tags_all),
      excludeTags: join(audience.exclude_tags),
      search: audience.search ?? '',
      kept: { custom: audience.custom ?? {}, contact_ids: audience.contact_ids ?? [] },
    },
    schedule: {
      when: campaign.schedule?.start_at ? 'later' : 'now',
      startAt: campaign.schedule?.start_at ? isoToZoned(campaign.schedule.start_at, zone) : '',
      windowOn: Boolean(window),
      days: window?.days?.length ? window.days : emptyForm().schedule.days,
      from: window?.from ?? '09:00',
      to: window?.to ?? '18:00',
    },
    rate: rate
      ? {
          unlimited: rate.per_minute === null,
          perMinute: rate.per_minute === null || rate.per_minute === undefined ? DEFAULT_RATE.perMinute : String(rate.per_minute),
          jitterMinMs: String(rate.jitter_min_ms ?? 1000),
          jitterMaxMs: String(rate.jitter_max_ms ?? 4000),
          dailyCap: rate.daily_cap === null || rate.daily_cap === undefined ? '' : String(rate.daily_cap),
          gapSeconds: rate.min_gap_per_recipient_secs === null || rate.min_gap_per_recipient_secs === undefined ? '' : String(rate.min_gap_per_recipient_secs),
        }
      : DEFAULT_RATE,
  };
}

export function audienceBody(form: AudienceForm): Audience {
  const body: Audience = { all: form.all };
  const tagsAny = parseTags(form.tagsAny);
  const tagsAll = parseTags(form.tagsAll);
  const exclude = parseTags(form.excludeTags);
  if (!form.all) {
    if (tagsAny.length) body.tags_any = tagsAny;
    if (tagsAll.length) body.tags_all = tagsAll;
    if (form.search.trim()) body.search = form.search.trim();
    if (form.kept.custom && Object.keys(form.kept.custom).length) body.custom = form.kept.custom;
    if (form.kept.contact_ids?.length) body.contact_ids = form.kept.contact_ids;
  }
  if (exclude.length) body.exclude_tags = exclude;
  return body;
}

/** Whether the audience names anyone: everyone, or at least one criterion (the API needs one). */
export function audienceChosen(audience: Audience): boolean {
  return Boolean(
    audience.all ||
      audience.tags_any?.length ||
      audience.tags_all?.length ||
      audience.search?.trim() ||
      Object.keys(audience.custom ?? {}).length ||
      audience.contact_ids?.length,
  );
}

export function inputFromForm(form: CampaignForm, zone: string | undefined): CampaignInput {
  const { schedule, rate } = form;
  return {
    name: form.name.trim(),
    template: form.template,
    channel: form.channel,
    audience: audienceBody(form.audience),
    schedule: {
      start_at: schedule.when === 'later' ? zonedToIso(schedule.startAt, zone) : null,
      window: schedule.windowOn ? { days: schedule.days, from: schedule.from, to: schedule.to } : null,
    },
    rate: {
      per_minute: rate.unlimited ? null : optionalNumber(rate.perMinute),
      jitter_min_ms: optionalNumber(rate.jitterMinMs) ?? 0,
      jitter_max_ms: optionalNumber(rate.jitterMaxMs) ?? 0,
      daily_cap: optionalNumber(rate.dailyCap),
      min_gap_per_recipient_secs: optionalNumber(rate.gapSeconds),
    },
  };
}
