import { actionError } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { ProgressBar } from '../../ui/ProgressBar';
import { GuessedColumns, ImportCounts, RowIssues } from './ImportCounts';
import { isFinished, useImportProgress, type ImportJob } from './useImportProgress';

interface PreviewStepProps {
  workspace: string;
  dryRun: ImportJob;
  onOptions: () => void;
  onBack: () => void;
  onStart: () => void;
  busy: boolean;
  error: unknown;
}

/** The dry run's result: what the import would create, update, skip and refuse; nothing written. */
export function PreviewStep({ workspace, dryRun, onOptions, onBack, onStart, busy, error }: PreviewStepProps) {
  const t = useT();
  const job = useImportProgress(workspace, dryRun) ?? dryRun;
  const finished = isFinished(job);
  return (
    <div className="stack">
      <h2>{t('imports.step.preview')}</h2>
      <p className="muted">{t('imports.dryRunExplained')}</p>
      {!finished ? <ProgressBar label={t('imports.checking')} fraction={undefined} /> : null}
      <div aria-live="polite">
        {finished ? (
          <>
            <ImportCounts counts={job.counts} />
            {job.failure ? <p className="action-error" role="alert">{job.failure}</p> : null}
            <GuessedColumns columns={job.columns} />
            <RowIssues job={job} />
          </>
        ) : null}
      </div>
      <ErrorMessage message={actionError(error)} />
      <div className="row wrap">
        <Button onClick={onBack}>{t('common.back')}</Button>
        <Button onClick={onOptions} disabled={!finished}>
          {t('imports.adjustOptions')}
        </Button>
        <Button variant="primary" onClick={onStart} disabled={!finished || job.status === 'failed'} busy={busy}>
          {t('imports.start')}
        </Button>
      </div>
    </div>
  );
}
