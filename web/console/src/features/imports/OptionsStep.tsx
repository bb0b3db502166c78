import { useEffect, useState } from 'react';
import { actionError } from '../../api/errors';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextField } from '../../ui/Field';
import { parseTags } from '../../ui/hooks';
import { TableWrap } from '../../ui/Layout';
import { SelectControl, SelectField } from '../../ui/SelectField';
import { isCsvLike, readCsvHeader } from './csvHeader';
import { TARGETS, type ColumnMapping, type ImportOptions, type Target } from './importOptions';

interface OptionsStepProps {
  file: File;
  options: ImportOptions;
  onOptions: (options: ImportOptions) => void;
  busy: boolean;
  error: unknown;
  onPreview: () => void;
  onStart: () => void;
}

const TARGET_LABELS: Record<Target, MessageKey> = {
  auto: 'imports.target.auto',
  phone: 'imports.target.phone',
  first_name: 'imports.target.first_name',
  last_name: 'imports.target.last_name',
  full_name: 'imports.target.full_name',
  email: 'imports.target.email',
  gender: 'imports.target.gender',
  honorific: 'imports.target.honorific',
  language: 'imports.target.language',
  notes: 'imports.target.notes',
  opted_out: 'imports.target.opted_out',
  consent: 'imports.target.consent',
  opt_out_reason: 'imports.target.opt_out_reason',
  tags: 'imports.target.tags',
  custom: 'imports.target.custom',
  ignore: 'imports.target.ignore',
};

function MappingRow({ row, onChange, onRemove, editableColumn }: { row: ColumnMapping; onChange: (row: ColumnMapping) => void; onRemove?: () => void; editableColumn: boolean }) {
  const t = useT();
  return (
    <tr>
      <th scope="row">
        {editableColumn ? (
          <input aria-label={t('imports.column')} value={row.column} onChange={(event) => onChange({ ...row, column: event.target.value })} />
        ) : (
          row.column
        )}
      </th>
      <td>
        <SelectControl<Target>
          ariaLabel={t('imports.targetFor', { column: row.column })}
          value={row.target}
          onValue={(target) => onChange({ ...row, target })}
          options={TARGETS.map((target) => ({ value: target, label: t(TARGET_LABELS[target]) }))}
        />
      </td>
      <td>
        {row.target === 'custom' ? (
          <input aria-label={t('imports.customNameFor', { column: row.column })} value={row.customName} placeholder={row.column} onChange={(event) => onChange({ ...row, customName: event.target.value })} />
        ) : null}
      </td>
      {onRemove ? (
        <td>
          <Button small variant="ghost" onClick={onRemove} aria-label={t('imports.removeColumn', { column: row.column })}>
            ✕
          </Button>
        </td>
      ) : null}
    </tr>
  );
}

/** Column mapping (read from a CSV's header in the browser, typed in for other formats) and options. */
export function OptionsStep({ file, options, onOptions, busy, error, onPreview, onStart }: OptionsStepProps) {
  const t = useT();
  const csv = isCsvLike(file);
  const [tagsText, setTagsText] = useState(options.tags.join(', '));
  const set = (patch: Partial<ImportOptions>) => onOptions({ ...options, ...patch });

  useEffect(() => {
    if (!csv || options.mapping.length > 0) return;
    void readCsvHeader(file).then((header) => {
      if (header) onOptions({ ...options, mapping: header.columns.filter(Boolean).map((column) => ({ column, target: 'auto', customName: '' })) });
    });
    // Reads the header once per file.
  }, [file]);

  const updateRow = (index: number, row: ColumnMapping) => set({ mapping: options.mapping.map((r, i) => (i === index ? row : r)) });

  return (
    <div className="stack">
      <h2>{t('imports.step.options')}</h2>
      <h3>{t('imports.mapping')}</h3>
      <p className="muted">{csv ? t('imports.mappingCsv') : t('imports.mappingOther')}</p>
      {options.mapping.length > 0 ? (
        <TableWrap label={t('imports.mapping')}>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('imports.column')}</th>
                <th scope="col">{t('imports.target')}</th>
                <th scope="col">{t('imports.customName')}</th>
                {csv ? null : <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {options.mapping.map((row, index) => (
                <MappingRow
                  key={index}
                  row={row}
                  editableColumn={!csv}
                  onChange={(next) => updateRow(index, next)}
                  {...(csv ? {} : { onRemove: () => set({ mapping: options.mapping.filter((_, i) => i !== index) }) })}
                />
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {csv ? null : (
        <div>
          <Button small onClick={() => set({ mapping: [...options.mapping, { column: `column${options.mapping.length + 1}`, target: 'phone', customName: '' }] })}>
            + {t('imports.addColumn')}
          </Button>
        </div>
      )}
      <h3>{t('imports.otherOptions')}</h3>
      <div className="grid-2">
        <TextField
          label={t('imports.tagsForAll')}
          value={tagsText}
          hint={t('contacts.tagsHint')}
          onValue={(text) => {
            setTagsText(text);
            set({ tags: parseTags(text) });
          }}
        />
        <TextField label={t('imports.defaultRegion')} value={options.defaultRegion} maxLength={2} onValue={(defaultRegion) => set({ defaultRegion })} hint={t('imports.defaultRegionHint')} />
        {csv ? (
          <>
            <SelectField<ImportOptions['delimiter']>
              label={t('imports.delimiter')}
              value={options.delimiter}
              onValue={(delimiter) => set({ delimiter })}
              options={[
                { value: 'auto', label: t('imports.detect') },
                { value: ';', label: t('imports.delimiterSemicolon') },
                { value: ',', label: t('imports.delimiterComma') },
                { value: '\t', label: t('imports.delimiterTab') },
                { value: '|', label: t('imports.delimiterPipe') },
              ]}
            />
            <SelectField<ImportOptions['encoding']>
              label={t('imports.encoding')}
              value={options.encoding}
              onValue={(encoding) => set({ encoding })}
              options={[
                { value: 'auto', label: t('imports.detect') },
                { value: 'utf-8', label: 'UTF-8' },
                { value: 'windows-1254', label: 'Windows-1254 (Türkçe)' },
              ]}
            />
          </>
        ) : (
          <TextField label={t('imports.sheet')} value={options.sheet} onValue={(sheet) => set({ sheet })} hint={t('imports.sheetHint')} />
        )}
      </div>
      <CheckboxField label={t('imports.hasHeader')} checked={options.hasHeader} onChecked={(hasHeader) => set({ hasHeader })} />
      <CheckboxField label={t('imports.updateExisting')} checked={options.updateExisting} onChecked={(updateExisting) => set({ updateExisting })} hint={t('imports.updateExistingHint')} />
      {options.updateExisting ? (
        <CheckboxField label={t('imports.overwrite')} checked={options.overwrite} onChecked={(overwrite) => set({ overwrite })} hint={t('imports.overwriteHint')} />
      ) : null}
      <ErrorMessage message={actionError(error)} />
      <div className="row wrap">
        <Button onClick={onPreview} busy={busy}>
          {t('imports.previewAgain')}
        </Button>
        <Button variant="primary" onClick={onStart} busy={busy}>
          {t('imports.start')}
        </Button>
      </div>
    </div>
  );
}
