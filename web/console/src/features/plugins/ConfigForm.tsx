import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { ApiError, actionError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextField } from '../../ui/Field';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';

type ConfigField = Schemas['ConfigField'];
type Value = string | boolean;
/** The spec declares `config` as an object without properties, which openapi-typescript reads as empty. */
type PluginConfig = NonNullable<Schemas['PluginSettingInput']['config']>;

function initialValue(field: ConfigField, stored: unknown): Value {
  const value = stored ?? field.default;
  if (field.type === 'boolean') return value === true;
  return value === undefined || value === null ? '' : String(value);
}

function toJson(field: ConfigField, value: Value): unknown {
  if (field.type === 'boolean') return value === true;
  const text = String(value).trim();
  if (text === '') return undefined;
  if (field.type === 'integer' || field.type === 'number') {
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  return text;
}

/** The configuration form generated from the plugin manifest's config schema. */
export function ConfigForm({ entry, disabled }: { entry: Schemas['WorkspacePlugin']; disabled: boolean }) {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace } = useWorkspace();
  const schema = Object.entries(entry.plugin.config_schema);
  const stored = (entry.config ?? {}) as Record<string, unknown>;
  const [values, setValues] = useState<Record<string, Value>>(() => Object.fromEntries(schema.map(([key, field]) => [key, initialValue(field, stored[key])])));

  const save = useMutation({
    mutationFn: () => {
      const config: Record<string, unknown> = {};
      for (const [key, field] of schema) {
        const value = toJson(field, values[key] ?? '');
        if (value !== undefined) config[key] = value;
      }
      return unwrap(api.PATCH('/api/v1/workspaces/{workspace}/plugins/{name}', { params: { path: { workspace: workspace.id, name: entry.plugin.name } }, body: { config: config as PluginConfig } }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['plugins', workspace.id] });
      notify(t('plugins.configSaved', { name: entry.plugin.name }));
    },
  });

  if (schema.length === 0) return <p className="muted">{t('plugins.noConfig')}</p>;

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  const errorFor = (key: string) => {
    const error = save.error;
    if (!(error instanceof ApiError)) return undefined;
    return error.field === key || error.field === `config.${key}` ? error.message : undefined;
  };
  const shown = schema.map(([key]) => key).flatMap((key) => [key, `config.${key}`]);

  return (
    <form className="stack" onSubmit={submit} aria-label={t('plugins.configOf', { name: entry.plugin.name })}>
      {schema.map(([key, field]) =>
        field.type === 'boolean' ? (
          <CheckboxField key={key} label={key} checked={values[key] === true} disabled={disabled} hint={field.description} onChecked={(checked) => setValues((v) => ({ ...v, [key]: checked }))} />
        ) : (
          <TextField
            key={key}
            label={`${key}${field.required ? ' *' : ''}`}
            type={field.secret ? 'password' : field.type === 'string' ? 'text' : 'number'}
            step={field.type === 'integer' ? 1 : 'any'}
            autoComplete="off"
            required={field.required}
            readOnly={disabled}
            value={String(values[key] ?? '')}
            onValue={(value) => setValues((v) => ({ ...v, [key]: value }))}
            hint={[field.description, field.secret ? t('plugins.secretHint') : ''].filter(Boolean).join(' ')}
            error={errorFor(key)}
          />
        ),
      )}
      <ErrorMessage message={actionError(save.error, shown)} />
      {disabled ? null : (
        <div>
          <Button type="submit" busy={save.isPending}>
            {t('plugins.saveConfig')}
          </Button>
        </div>
      )}
    </form>
  );
}
