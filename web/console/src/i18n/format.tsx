import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useI18n } from './I18nProvider';

interface FormatSettings {
  /** BCP 47 locale for dates and numbers: the workspace's when inside one, else the UI language. */
  locale: string;
  timeZone: string | undefined;
}

const FormatContext = createContext<FormatSettings | null>(null);

/** Inside a workspace: format with its locale and time zone. */
export function FormatProvider({
  locale,
  timeZone,
  children,
}: FormatSettings & { children: ReactNode }) {
  const value = useMemo(() => ({ locale, timeZone }), [locale, timeZone]);
  return <FormatContext.Provider value={value}>{children}</FormatContext.Provider>;
}

export interface Formatters {
  locale: string;
  number: (value: number) => string;
  dateTime: (value: string | Date) => string;
  date: (value: string | Date) => string;
  /** A calendar day as the API writes it (`2026-12-01`), shown as that day in any time zone. */
  day: (value: string) => string;
  bytes: (value: number) => string;
  percent: (fraction: number) => string;
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

export function useFormat(): Formatters {
  const { language } = useI18n();
  const settings = useContext(FormatContext);
  const locale = settings?.locale ?? language;
  const timeZone = settings?.timeZone;
  return useMemo(() => {
    const number = new Intl.NumberFormat(locale);
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
    const day = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    return {
      locale,
      number: (value) => number.format(value),
      dateTime: (value) => dateTime.format(typeof value === 'string' ? new Date(value) : value),
      date: (value) => date.format(typeof value === 'string' ? new Date(value) : value),
      day: (value) => day.format(new Date(`${value}T00:00:00Z`)),
      percent: (fraction) => percent.format(fraction),
      bytes: (value) => {
        let unit = 0;
        let amount = value;
        while (amount >= 1024 && unit < BYTE_UNITS.length - 1) {
          amount /= 1024;
          unit += 1;
        }
        // The unit is a word, so it follows the interface language, not the workspace's.
        return new Intl.NumberFormat(language, {
          style: 'unit',
          unit: BYTE_UNITS[unit],
          unitDisplay: 'short',
          maximumFractionDigits: unit === 0 ? 0 : 1,
        }).format(amount);
      },
    };
  }, [locale, timeZone, language]);
}
