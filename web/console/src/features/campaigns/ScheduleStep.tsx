import { useId, useMemo } from 'react';
import { actionError, fieldError } from '../../api/errors';
import { useI18n, useT } from '../../i18n/I18nProvider';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextField } from '../../ui/Field';
import { useWorkspace } from '../workspace/workspace';
import { WEEKDAYS, type RateForm, type ScheduleForm } from './campaignForm';

export const SCHEDULE_FIELDS = [
  'schedule.start_at',
  'schedule.window.from',
  'schedule.window.to',
  ...WEEKDAYS.map((_, index) => `schedule.window.days[${index}]`),
  'rate.per_minute',
  'rate.jitter_min_ms',
  'rate.jitter_max_ms',
  'rate.daily_cap',
  'rate.min_gap_per_recipient_secs',
];

interface ScheduleStepProps {
  schedule: ScheduleForm;
  rate: RateForm;
  onSchedule: (schedule: ScheduleForm) => void;
  onRate: (rate: RateForm) => void;
  error: unknown;
}

/** When the campaign starts, the hours it may send in, and how fast. */
export function ScheduleStep({ schedule, rate, onSchedule, onRate, error }: ScheduleStepProps) {
  const t = useT();
  const { language } = useI18n();
  const { workspace } = useWorkspace();
  const whenName = useId();
  const setSchedule = (patch: Partial<ScheduleForm>) => onSchedule({ ...schedule, ...patch });
  const setRate = (patch: Partial<RateForm>) => onRate({ ...rate, ...patch });
  // 1 January 2024 was a Monday.
  const dayNames = useMemo(() => {
    const format = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' });
    return WEEKDAYS.map((_, index) => format.format(new Date(Date.UTC(2024, 0, 1 + index))));
  }, [language]);
  const zone = workspace.time_zone ?? 'UTC';
  const dayError = WEEKDAYS.map((_, index) => fieldError(error, `schedule.window.days[${index}]`)).find(Boolean);

  return (
    <div className="stack">
      <h2>{t('campaigns.step.schedule')}</h2>
      <fieldset className="fieldset">
        <legend>{t('campaigns.start')}</legend>
        <label className="choice-inline">
          <input type="radio" name={whenName} checked={schedule.when === 'now'} onChange={() => setSchedule({ when: 'now' })} /> {t('campaigns.startNow')}
        </label>
        <label className="choice-inline">
          <input type="radio" name={whenName} checked={schedule.when === 'later'} onChange={() => setSchedule({ when: 'later' })} /> {t('campaigns.startLater')}
        </label>
        {schedule.when === 'later' ? (
          <TextField
            label={t('campaigns.startAt')}
            type="datetime-local"
            required
            className="narrow"
            value={schedule.startAt}
            onValue={(startAt) => setSchedule({ startAt })}
            hint={t('campaigns.inZone', { zone })}
            error={fieldError(error, 'schedule.start_at')}
          />
        ) : null}
      </fieldset>

      <fieldset className="fieldset">
        <legend>{t('campaigns.window')}</legend>
        <CheckboxField label={t('campaigns.windowOn')} checked={schedule.windowOn} onChecked={(windowOn) => setSchedule({ windowOn })} hint={t('campaigns.windowHint', { zone })} />
        {schedule.windowOn ? (
          <>
            <fieldset className="fieldset">
              <legend>{t('campaigns.days')}</legend>
              <div className="row wrap">
                {WEEKDAYS.map((day, index) => (
                  <CheckboxField
                    key={day}
                    label={dayNames[index] ?? day}
                    checked={schedule.days.includes(day)}
                    onChecked={(checked) => setSchedule({ days: checked ? WEEKDAYS.filter((d) => d === day || schedule.days.includes(d)) : schedule.days.filter((d) => d !== day) })}
                  />
                ))}
              </div>
              <p className="hint">{t('campaigns.daysHint')}</p>
              {dayError ? <p className="field-error" role="alert">{dayError}</p> : null}
            </fieldset>
            <div className="grid-2">
              <TextField label={t('campaigns.windowFrom')} type="time" required value={schedule.from} onValue={(from) => setSchedule({ from })} error={fieldError(error, 'schedule.window.from')} />
              <TextField label={t('campaigns.windowTo')} type="time" required value={schedule.to} onValue={(to) => setSchedule({ to })} hint={t('campaigns.windowToHint')} error={fieldError(error, 'schedule.window.to')} />
            </div>
          </>
        ) : null}
      </fieldset>

      <fieldset className="fieldset">
        <legend>{t('campaigns.rate')}</legend>
        <CheckboxField label={t('campaigns.unlimited')} checked={rate.unlimited} onChecked={(unlimited) => setRate({ unlimited })} hint={t('campaigns.unlimitedHint')} />
        <div className="grid-2">
          {rate.unlimited ? null : (
            <TextField label={t('campaigns.perMinute')} type="number" min={1} max={60000} step={1} required value={rate.perMinute} onValue={(perMinute) => setRate({ perMinute })} error={fieldError(error, 'rate.per_minute')} />
          )}
          <TextField label={t('campaigns.dailyCap')} type="number" min={1} step={1} value={rate.dailyCap} onValue={(dailyCap) => setRate({ dailyCap })} hint={t('campaigns.dailyCapHint')} error={fieldError(error, 'rate.daily_cap')} />
          <TextField label={t('campaigns.jitterMin')} type="number" min={0} step={1} required value={rate.jitterMinMs} onValue={(jitterMinMs) => setRate({ jitterMinMs })} hint={t('campaigns.jitterHint')} error={fieldError(error, 'rate.jitter_min_ms')} />
          <TextField label={t('campaigns.jitterMax')} type="number" min={0} max={3600000} step={1} required value={rate.jitterMaxMs} onValue={(jitterMaxMs) => setRate({ jitterMaxMs })} error={fieldError(error, 'rate.jitter_max_ms')} />
          <TextField label={t('campaigns.gap')} type="number" min={0} step={1} value={rate.gapSeconds} onValue={(gapSeconds) => setRate({ gapSeconds })} hint={t('campaigns.gapHint')} error={fieldError(error, 'rate.min_gap_per_recipient_secs')} />
        </div>
      </fieldset>
      <ErrorMessage message={actionError(error, SCHEDULE_FIELDS)} />
    </div>
  );
}
