import type { Schemas } from '../../api/client';
import { actionError } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { FieldFrame } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';

const AUTO = 'auto';

interface FileStepProps {
  file: File | null;
  onFile: (file: File | null) => void;
  /** '' lets the server choose by the file's extension. */
  importer: string;
  onImporter: (name: string) => void;
  importers: Schemas['WorkspacePlugin'][];
  loading: boolean;
  busy: boolean;
  error: unknown;
  onNext: () => void;
}

export function FileStep({ file, onFile, importer, onImporter, importers, loading, busy, error, onNext }: FileStepProps) {
  const t = useT();
  const format = useFormat();
  const enabled = importers.filter((entry) => entry.enabled);
  const extensions = [...new Set(enabled.flatMap((entry) => entry.plugin.file_extensions))];
  const accept = extensions.map((extension) => `.${extension}`).join(',');

  return (
    <div className="stack">
      <h2>{t('imports.step.file')}</h2>
      <FieldFrame label={t('imports.chooseFile')} hint={extensions.length ? t('imports.acceptedTypes', { types: extensions.join(', ') }) : undefined}>
        {({ id, describedBy }) => (
          <input id={id} type="file" accept={accept || undefined} aria-describedby={describedBy} onChange={(event) => onFile(event.target.files?.[0] ?? null)} />
        )}
      </FieldFrame>
      {file ? <p className="muted">{t('imports.fileChosen', { name: file.name, size: format.bytes(file.size) })}</p> : null}
      <SelectField
        label={t('imports.importer')}
        value={importer || AUTO}
        onValue={(value) => onImporter(value === AUTO ? '' : value)}
        hint={loading ? t('imports.loadingImporters') : t('imports.importerHint')}
        options={[
          { value: AUTO, label: t('imports.importerAuto') },
          ...enabled.map((entry) => ({
            value: entry.plugin.name,
            label: `${entry.plugin.name} (${entry.plugin.file_extensions.map((e) => `.${e}`).join(' ')})`,
          })),
        ]}
      />
      {!loading && enabled.length === 0 ? <p className="action-error">{t('imports.noImporters')}</p> : null}
      <ErrorMessage message={actionError(error)} />
      <div className="row">
        <Button variant="primary" disabled={!file} busy={busy} onClick={onNext}>
          {t('imports.runDryRun')}
        </Button>
      </div>
    </div>
  );
}
