import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { TableWrap } from '../../ui/Layout';

type Stats = Schemas['MessageStats'];
type Day = Schemas['Day'];

const SERIES = ['sent', 'delivered', 'read', 'failed', 'skipped', 'received'] as const;
type Series = (typeof SERIES)[number];

/** Grouped bars of the messages each day by status (plain SVG), with the same figures as a table. */
export function MessagesChart({ stats }: { stats: Stats }) {
  const t = useT();
  const format = useFormat();
  const days: Day[] = stats.days;
  const max = Math.max(1, ...days.flatMap((day) => SERIES.map((key) => day[key])));
  const width = 640;
  const height = 160;
  const slot = width / Math.max(days.length, 1);
  const bar = Math.max(1, (slot * 0.8) / SERIES.length);
  const label = (key: Series) => t(`dashboard.messages.${key}`);

  return (
    <div className="chart">
      <svg viewBox={`0 0 ${width} ${height + 4}`} role="img" aria-labelledby="messages-chart-title" preserveAspectRatio="none" className="chart-svg">
        <title id="messages-chart-title">{t('dashboard.messagesChartTitle')}</title>
        {days.map((day, index) => (
          <g key={day.day}>
            {SERIES.map((key, position) => {
              const value = day[key];
              const barHeight = (value / max) * (height - 8);
              const x = index * slot + slot * 0.1 + position * bar;
              return value > 0 ? <rect key={key} x={x} y={height - barHeight} width={bar * 0.9} height={barHeight} className={`bar-${key}`} /> : null;
            })}
          </g>
        ))}
        <line x1="0" x2={width} y1={height} y2={height} className="chart-axis" />
      </svg>
      <ul className="legend" aria-hidden="true">
        {SERIES.map((key) => (
          <li key={key}>
            <span className={`swatch bar-${key}`} />
            {label(key)}
          </li>
        ))}
      </ul>
      <TableWrap label={t('dashboard.messagesChartTitle')}>
        <table className="table compact" data-testid="messages-by-day">
          <caption className="visually-hidden">{t('dashboard.messagesChartTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.day')}</th>
              {SERIES.map((key) => (
                <th key={key} scope="col" className="num">
                  {label(key)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[...days].reverse().map((day) => (
              <tr key={day.day}>
                <th scope="row">{format.day(day.day)}</th>
                {SERIES.map((key) => (
                  <td key={key} className="num">
                    {format.number(day[key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}
