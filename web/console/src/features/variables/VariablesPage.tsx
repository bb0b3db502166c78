import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { EmptyState, Loading, PageHeader, TableWrap } from '../../ui/Layout';
import { SelectField } from '../../ui/SelectField';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { useVariables, useWorkspacePlugins, variableKeys } from '../templates/templatesApi';

type Variable = Schemas['Variable'];
type Kind = Schemas['Kind'];

const KIND_LABELS: Record<Kind, MessageKey> = {
  static: 'variables.kind.static',
  field: 'variables.kind.field',
  datetime: 'variables.kind.datetime',
  plugin: 'variables.kind.plugin',
};

const FIELDS = ['name', 'kind', 'value', 'field', 'format', 'plugin', 'fallback'] as const;

function describe(variable: Variable): string {
  switch (variable.kind) {
    case 'static':
      return variable.value ?? '';
    case 'field':
      return variable.field ?? '';
    case 'datetime':
      return variable.format ?? '';
    case 'plugin':
      return `${variable.plugin ?? ''}${variable.value ? ` → ${variable.value}` : ''}`;
  }
}

function VariableDialog({ open, onOpenChange, variable }: { open: boolean; onOpenChange: (open: boolean) => void; variable: Variable | null }) {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const plugins = useWorkspacePlugins(can('plugins', 'read'));
  const [name, setName] = useState(variable?.name ?? '');
  const [kind, setKind] = useState<Kind>(variable?.kind ?? 'static');
  const [value, setValue] = useState(variable?.value ?? '');
  const [field, setField] = useState(variable?.field ?? '');
  const [format, setFormat] = useState(variable?.format ?? 'd MMMM yyyy');
  const [plugin, setPlugin] = useState(variable?.plugin ?? '');
  const [fallback, setFallback] = useState(variable?.fallback ?? '');
  const resolvers = (plugins.data ?? []).filter((entry) => entry.plugin.kind === 'variable-resolver');

  const save = useMutation({
    mutationFn: () => {
      const body: Schemas['VariableInput'] = {
        name,
        kind,
        value: kind === 'static' || kind === 'plugin' ? value || null : null,
        field: kind === 'field' ? field || null : null,
        format: kind === 'datetime' ? format || null : null,
        plugin: kind === 'plugin' ? plugin || resolvers[0]?.plugin.name || null : null,
        fallback: fallback || null,
      };
      const path = { workspace: workspace.id };
      return variable
        ? unwrap(api.PUT('/api/v1/workspaces/{workspace}/variables/{name}', { params: { path: { ...path, name: variable.name } }, body }))
        : unwrap(api.POST('/api/v1/workspaces/{workspace}/variables', { params: { path }, body }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: variableKeys.all(workspace.id) });
      notify(t('variables.saved'));
      onOpenChange(false);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  const error = save.error;
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={variable ? t('variables.editTitle', { name: variable.name }) : t('variables.addTitle')}>
      <form className="stack" onSubmit={submit}>
        <TextField label={t('variables.name')} required value={name} onValue={setName} readOnly={Boolean(variable)} hint={t('variables.nameHint')} error={fieldError(error, 'name')} />
        <SelectField<Kind> label={t('variables.kind')} value={kind} onValue={setKind} error={fieldError(error, 'kind')} options={(Object.keys(KIND_LABELS) as Kind[]).map((k) => ({ value: k, label: t(KIND_LABELS[k]) }))} />
        {kind === 'static' ? <TextField label={t('variables.value')} required value={value} onValue={setValue} error={fieldError(error, 'value')} /> : null}
        {kind === 'field' ? <TextField label={t('variables.field')} required value={field} onValue={setField} hint={t('variables.fieldHint')} error={fieldError(error, 'field')} /> : null}
        {kind === 'datetime' ? <TextField label={t('variables.format')} value={format} onValue={setFormat} hint={t('variables.formatHint')} error={fieldError(error, 'format')} /> : null}
        {kind === 'plugin' ? (
          <>
            {resolvers.length > 0 ? (
              <SelectField
                label={t('variables.plugin')}
                value={plugin || (resolvers[0]?.plugin.name ?? '')}
                onValue={setPlugin}
                error={fieldError(error, 'plugin')}
                options={resolvers.map((entry) => ({ value: entry.plugin.name, label: `${entry.plugin.name} (${entry.plugin.variables.join(', ')})` }))}
              />
            ) : (
              <TextField label={t('variables.plugin')} required value={plugin} onValue={setPlugin} error={fieldError(error, 'plugin')} />
            )}
            <TextField label={t('variables.pluginVariable')} value={value} onValue={setValue} hint={t('variables.pluginVariableHint')} error={fieldError(error, 'value')} />
          </>
        ) : null}
        <TextField label={t('variables.fallback')} value={fallback} onValue={setFallback} hint={t('variables.fallbackHint')} error={fieldError(error, 'fallback')} />
        <ErrorMessage message={actionError(error, FIELDS)} />
        <div className="dialog-actions">
          <Button onClick={() => onOpenChange(false)}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export default function VariablesPage() {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('variables', 'write');
  const variables = useVariables();
  const [editing, setEditing] = useState<Variable | null>(null);
  const [open, setOpen] = useState(false);

  async function remove(variable: Variable) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/variables/{name}', { params: { path: { workspace: workspace.id, name: variable.name } } }));
    await queryClient.invalidateQueries({ queryKey: variableKeys.all(workspace.id) });
    notify(t('variables.deleted'));
  }

  const items = variables.data?.items ?? [];
  return (
    <>
      <PageHeader
        title={t('nav.variables')}
        actions={
          canWrite ? (
            <Button
              variant="primary"
              onClick={() => {
                setEditing(null);
                setOpen(true);
              }}
            >
              {t('variables.add')}
            </Button>
          ) : null
        }
      >
        <p className="muted">{t('variables.subtitle')}</p>
      </PageHeader>
      <ErrorMessage message={variables.error?.message} />
      {variables.isPending ? (
        <Loading label={t('common.loading')} />
      ) : items.length === 0 ? (
        <EmptyState>{t('variables.none')}</EmptyState>
      ) : (
        <TableWrap label={t('nav.variables')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('variables.placeholder')}</th>
                <th scope="col">{t('variables.kind')}</th>
                <th scope="col">{t('variables.definition')}</th>
                <th scope="col">{t('variables.fallback')}</th>
                {canWrite ? <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((variable) => (
                <tr key={variable.name}>
                  <td><code>%{variable.name}%</code></td>
                  <td>{t(KIND_LABELS[variable.kind])}</td>
                  <td>{describe(variable)}</td>
                  <td>{variable.fallback ?? ''}</td>
                  {canWrite ? (
                    <td className="nowrap">
                      <Button
                        small
                        aria-label={t('variables.editNamed', { name: variable.name })}
                        onClick={() => {
                          setEditing(variable);
                          setOpen(true);
                        }}
                      >
                        {t('common.edit')}
                      </Button>{' '}
                      <ConfirmDialog
                        trigger={<Button small variant="ghost" aria-label={t('variables.deleteNamed', { name: variable.name })}>{t('common.delete')}</Button>}
                        title={t('variables.deleteTitle')}
                        description={t('variables.deleteConfirm', { name: variable.name })}
                        confirmLabel={t('common.delete')}
                        onConfirm={() => remove(variable)}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {open ? <VariableDialog key={editing?.name ?? 'new'} open={open} onOpenChange={setOpen} variable={editing} /> : null}
    </>
  );
}
