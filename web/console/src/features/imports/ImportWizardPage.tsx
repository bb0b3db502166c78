import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../i18n/I18nProvider';
import { PageHeader } from '../../ui/Layout';
import { useWorkspacePlugins } from '../templates/templatesApi';
import { useWorkspace } from '../workspace/workspace';
import { FileStep } from './FileStep';
import { defaultOptions, type ImportOptions } from './importOptions';
import { OptionsStep } from './OptionsStep';
import { PreviewStep } from './PreviewStep';
import { ProgressStep } from './ProgressStep';
import type { ImportJob } from './useImportProgress';
import { startImport } from './startImport';

type Step = 'file' | 'preview' | 'options' | 'progress';
const STEPS: readonly Step[] = ['file', 'preview', 'options', 'progress'];

/** File → importer → dry-run preview → options and column mapping → import with live progress. */
export default function ImportWizardPage() {
  const t = useT();
  const queryClient = useQueryClient();
  const { workspace } = useWorkspace();
  const [step, setStep] = useState<Step>('file');
  const [file, setFile] = useState<File | null>(null);
  const [importer, setImporter] = useState('');
  const [options, setOptions] = useState<ImportOptions>(() => defaultOptions(workspace.default_region ?? 'TR'));
  const [dryRun, setDryRun] = useState<ImportJob | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [startError, setStartError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);

  const plugins = useWorkspacePlugins();
  const importers = (plugins.data ?? []).filter((entry) => entry.plugin.kind === 'contact-importer');

  useEffect(() => {
    document.getElementById('wizard-step')?.focus();
  }, [step]);

  async function run(dry: boolean) {
    if (!file) return;
    setStarting(true);
    setStartError(null);
    try {
      const started = await startImport(workspace, file, importer, options, dry);
      if (dry) {
        setDryRun(started);
        setStep('preview');
      } else {
        setJob(started);
        setStep('progress');
      }
    } catch (error) {
      setStartError(error);
    } finally {
      setStarting(false);
    }
  }

  return (
    <>
      <PageHeader title={t('imports.title')}>
        <p className="muted">
          <Link to={`/w/${workspace.id}/contacts`}>← {t('nav.contacts')}</Link>
        </p>
      </PageHeader>
      <ol className="steps" aria-label={t('imports.steps')}>
        {STEPS.map((name, index) => (
          <li key={name} aria-current={name === step ? 'step' : undefined} className={name === step ? 'current' : STEPS.indexOf(step) > index ? 'done' : ''}>
            <span className="step-number" aria-hidden="true">{index + 1}</span> {t(`imports.step.${name}`)}
          </li>
        ))}
      </ol>
      <section className="card" id="wizard-step" tabIndex={-1} aria-label={t(`imports.step.${step}`)}>
        {step === 'file' ? (
          <FileStep
            file={file}
            onFile={setFile}
            importer={importer}
            onImporter={setImporter}
            importers={importers}
            loading={plugins.isPending}
            busy={starting}
            error={startError ?? plugins.error}
            onNext={() => void run(true)}
          />
        ) : null}
        {step === 'preview' && dryRun ? (
          <PreviewStep
            workspace={workspace.id}
            dryRun={dryRun}
            onOptions={() => setStep('options')}
            onBack={() => setStep('file')}
            onStart={() => void run(false)}
            busy={starting}
            error={startError}
          />
        ) : null}
        {step === 'options' && file ? (
          <OptionsStep
            file={file}
            options={options}
            onOptions={setOptions}
            busy={starting}
            error={startError}
            onPreview={() => void run(true)}
            onStart={() => void run(false)}
          />
        ) : null}
        {step === 'progress' && job ? (
          <ProgressStep
            workspace={workspace.id}
            job={job}
            expectedRecords={dryRun?.counts.read}
            onFinished={() => {
              void queryClient.invalidateQueries({ queryKey: ['contacts', workspace.id] });
              void queryClient.invalidateQueries({ queryKey: ['dashboard', workspace.id] });
              void queryClient.invalidateQueries({ queryKey: ['imports', workspace.id] });
            }}
          />
        ) : null}
      </section>
    </>
  );
}
