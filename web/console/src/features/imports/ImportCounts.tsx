import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { TableWrap } from '../../ui/Layout';

export function ImportCounts({ counts }: { counts: Schemas['ImportCounts'] }) {
  const t = useT();
  const format = useFormat();
  const entries = [
    ['read', counts.read],
    ['created', counts.created],
    ['updated', counts.updated],
    ['skipped', counts.skipped],
    ['failed', counts.failed],
  ] as const;
  return (
    <dl className="counts">
      {entries.map(([key, value]) => (
        <div key={key} className={`count count-${key}`}>
          <dt>{t(`imports.${key}`)}</dt>
          <dd data-testid={`count-${key}`}>{format.number(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

const CONTACT_FIELDS = ['email', 'gender', 'honorific', 'language', 'notes', 'opted_out', 'consent', 'opt_out_reason'] as const;
type ContactField = (typeof CONTACT_FIELDS)[number];

/** What the server made of the columns the importer passed on (`Cinsiyet` → gender), from the dry run. */
export function GuessedColumns({ columns }: { columns: Schemas['ImportJob']['columns'] }) {
  const t = useT();
  const entries = Object.entries(columns ?? {});
  if (entries.length === 0) return null;
  const label = (target: string) => {
    if (target.startsWith('custom.')) return t('imports.customField', { name: target.slice('custom.'.length) });
    return (CONTACT_FIELDS as readonly string[]).includes(target) ? t(`imports.target.${target as ContactField}`) : target;
  };
  return (
    <section aria-labelledby="guessed-columns">
      <h3 id="guessed-columns">{t('imports.columnsGuessed')}</h3>
      <TableWrap label={t('imports.columnsGuessed')}>
      <table className="table" data-testid="guessed-columns">
        <thead>
          <tr>
            <th scope="col">{t('imports.column')}</th>
            <th scope="col">{t('imports.target')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([column, target]) => (
            <tr key={column}>
              <th scope="row">{column}</th>
              <td>{label(target)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </TableWrap>
    </section>
  );
}

export function RowIssues({ job }: { job: Schemas['ImportJob'] }) {
  const t = useT();
  if (job.errors.length === 0) return null;
  return (
    <details className="issues" open={job.errors.length <= 10}>
      <summary>{t('imports.issues', { count: job.error_count })}</summary>
      <ul>
        {[...job.errors]
          .sort((a, b) => a.row - b.row)
          .map((issue) => (
            <li key={`${issue.row}-${issue.message}`}>
              {t('imports.row', { row: issue.row })}: {issue.message}
            </li>
          ))}
      </ul>
    </details>
  );
}
