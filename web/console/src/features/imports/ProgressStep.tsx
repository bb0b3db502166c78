import { useEffect } from 'react';
import { Link } from 'react-router';
import { urls } from '../../api/paths';
import { useT } from '../../i18n/I18nProvider';
import { useFormat } from '../../i18n/format';
import { ProgressBar } from '../../ui/ProgressBar';
import { ImportCounts, RowIssues } from './ImportCounts';
import { isFinished, useImportProgress, type ImportJob } from './useImportProgress';

interface ProgressStepProps {
  workspace: string;
  job: ImportJob;
  /** Records the dry run read: the total for the progress bar. */
  expectedRecords: number | undefined;
  onFinished: () => void;
}

export function ProgressStep({ workspace, job: started, expectedRecords, onFinished }: ProgressStepProps) {
  const t = useT();
  const format = useFormat();
  const job = useImportProgress(workspace, started) ?? started;
  const finished = isFinished(job);

  useEffect(() => {
    if (finished) onFinished();
    // Runs once when the job finishes.
  }, [finished]);

  const fraction = finished ? 1 : expectedRecords ? job.counts.read / expectedRecords : undefined;
  return (
    <div className="stack">
      <h2>{t('imports.step.progress')}</h2>
      <ProgressBar
        label={t(`imports.status.${job.status}`)}
        fraction={fraction}
        detail={fraction === undefined ? undefined : format.percent(fraction)}
      />
      <div aria-live="polite" data-testid="import-status" data-status={job.status}>
        <ImportCounts counts={job.counts} />
        {job.failure ? <p className="action-error" role="alert">{job.failure}</p> : null}
      </div>
      <RowIssues job={job} />
      {finished ? (
        <p className="row wrap">
          <Link className="btn btn-primary" to={`/w/${workspace}/contacts`}>
            {t('imports.viewContacts')}
          </Link>
          {job.error_count > 0 ? (
            <a className="btn btn-secondary" href={urls.importErrors(workspace, job.id)} download>
              {t('imports.downloadErrors')}
            </a>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
