import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { TableWrap } from '../../ui/Layout';

type Job = Schemas['ImportJob'];

const SERIES = [
  { key: 'created', className: 'bar-created' },
  { key: 'updated', className: 'bar-updated' },
  { key: 'failed', className: 'bar-failed' },
] as const;

/** Stacked bars of what each recent import did (plain SVG), with the same figures as a table. */
export function ImportsChart({ jobs }: { jobs: Job[] }) {
  const t = useT();
  const format = useFormat();
  const max = Math.max(1, ...jobs.map((job) => job.counts.created + job.counts.updated + job.counts.failed));
  const width = 640;
  const height = 160;
  // At least six slots, so one or two imports stay slim bars at the left.
  const slot = width / Math.max(jobs.length, 6);
  const barWidth = Math.min(48, slot * 0.6);

  return (
    <div className="chart">
      <svg viewBox={`0 0 ${width} ${height + 4}`} role="img" aria-labelledby="imports-chart-title" preserveAspectRatio="none" className="chart-svg">
        <title id="imports-chart-title">{t('dashboard.chartTitle')}</title>
        {jobs.map((job, index) => {
          let y = height;
          const x = index * slot + (slot - barWidth) / 2;
          return (
            <g key={job.id}>
              {SERIES.map((series) => {
                const value = job.counts[series.key];
                const barHeight = (value / max) * (height - 8);
                y -= barHeight;
                return value > 0 ? <rect key={series.key} x={x} y={y} width={barWidth} height={barHeight} className={series.className} /> : null;
              })}
            </g>
          );
        })}
        <line x1="0" x2={width} y1={height} y2={height} className="chart-axis" />
      </svg>
      <ul className="legend" aria-hidden="true">
        <li><span className="swatch bar-created" />{t('imports.created')}</li>
        <li><span className="swatch bar-updated" />{t('imports.updated')}</li>
        <li><span className="swatch bar-failed" />{t('imports.failed')}</li>
      </ul>
      <TableWrap label={t('dashboard.chartTitle')}>
      <table className="table compact">
        <caption className="visually-hidden">{t('dashboard.chartTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('imports.file')}</th>
            <th scope="col">{t('imports.when')}</th>
            <th scope="col" className="num">{t('imports.created')}</th>
            <th scope="col" className="num">{t('imports.updated')}</th>
            <th scope="col" className="num">{t('imports.failed')}</th>
            <th scope="col">{t('imports.status')}</th>
          </tr>
        </thead>
        <tbody>
          {[...jobs].reverse().map((job) => (
            <tr key={job.id}>
              <td>{job.file_name}</td>
              <td>{format.dateTime(job.created_at)}</td>
              <td className="num">{format.number(job.counts.created)}</td>
              <td className="num">{format.number(job.counts.updated)}</td>
              <td className="num">{format.number(job.counts.failed)}</td>
              <td>{t(`imports.status.${job.status}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </TableWrap>
    </div>
  );
}
