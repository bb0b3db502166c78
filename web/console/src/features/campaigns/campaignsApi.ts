import { useMemo } from 'react';
import { type Schemas } from '../../api/client';
import { useI18n } from '../../i18n/I18nProvider';

export type Campaign = Schemas['Campaign'];
export type CampaignInput = Schemas['CampaignInput'];
export type CampaignState = Schemas['CampaignState'];
export type Audience = Schemas['Audience'];
export type Rate = Schemas['Rate'];
export type DryRun = Schemas['DryRun'];
export type Message = Schemas['Message'];
export type MessageStatus = Schemas['Status'];

export const campaignKeys = {
  all: (workspace: string) => ['campaigns', workspace] as const,
  list: (workspace: string) => ['campaigns', workspace, 'list'] as const,
  one: (workspace: string, id: string) => ['campaigns', workspace, 'one', id] as const,
  results: (workspace: string, id: string, status: string) => ['campaigns', workspace, 'results', id, status] as const,
};

/** The buckets a campaign counts its messages in, in the order a message moves through them. */
export const COUNT_KEYS = ['queued', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

/** Statuses a recipient's message can be filtered by (`received` is for inbound messages only). */
export const RESULT_STATUSES: readonly MessageStatus[] = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'];

export function isOver(state: CampaignState): boolean {
  return state === 'completed' || state === 'cancelled' || state === 'failed';
}

/** Started and not over: progress moves (or may move again). */
export function isUnderWay(state: CampaignState): boolean {
  return state === 'scheduled' || state === 'running' || state === 'paused';
}

export function stateBadge(state: CampaignState): string {
  if (state === 'completed' || state === 'running') return 'badge badge-ok';
  if (state === 'failed' || state === 'paused') return 'badge badge-warn';
  return 'badge';
}

export function count(campaign: Campaign, key: CountKey): number {
  return campaign.counts?.[key] ?? 0;
}

/** Recipients whose message is past the queue: sent, delivered, read, failed, skipped or cancelled. */
export function processed(campaign: Campaign): number {
  return COUNT_KEYS.filter((key) => key !== 'queued').reduce((sum, key) => sum + count(campaign, key), 0);
}

/**
 * How far the campaign has come, 0..1; undefined before any recipient is queued. The API's `total`
 * grows while recipients are rendered into the outbox in the background (it equals `enqueued`, and
 * the end of enqueueing is not exposed), so 100 % is shown only once the server says `completed`.
 */
export function progressFraction(campaign: Campaign): number | undefined {
  if (campaign.state === 'completed') return 1;
  const total = campaign.total ?? 0;
  if (total <= 0) return campaign.state === 'draft' ? 0 : undefined;
  const fraction = processed(campaign) / total;
  return isOver(campaign.state) ? Math.min(1, fraction) : Math.min(0.99, fraction);
}

/** A duration in hours, minutes and seconds, in the interface language. */
export function useDuration(): (seconds: number) => string {
  const { language } = useI18n();
  return useMemo(() => {
    const unit = (value: number, name: 'hour' | 'minute' | 'second' | 'day') =>
      new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value);
    return (seconds: number) => {
      const s = Math.max(0, Math.round(seconds));
      if (s < 60) return unit(s, 'second');
      const days = Math.floor(s / 86_400);
      const hours = Math.floor((s % 86_400) / 3600);
      const minutes = Math.floor((s % 3600) / 60);
      const parts: string[] = [];
      if (days) parts.push(unit(days, 'day'));
      if (hours) parts.push(unit(hours, 'hour'));
      if (minutes && !days) parts.push(unit(minutes, 'minute'));
      if (!days && !hours && s % 60) parts.push(unit(s % 60, 'second'));
      return parts.join(' ');
    };
  }, [language]);
}
