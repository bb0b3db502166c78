import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { PageHeader, Section } from '../../ui/Layout';
import { SelectField } from '../../ui/SelectField';
import { useNotify } from '../../ui/Toast';
import { useWorkspace, workspaceKeys } from './workspace';

const FIELDS = ['name', 'locale', 'time_zone', 'default_region'] as const;

export default function WorkspaceSettingsPage() {
  const t = useT();
  const notify = useNotify();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canUpdate = can('workspace', 'update');
  const [name, setName] = useState(workspace.name);
  const [locale, setLocale] = useState(workspace.locale === 'en' ? 'en' : 'tr');
  const [timeZone, setTimeZone] = useState(workspace.time_zone ?? 'Europe/Istanbul');
  const [region, setRegion] = useState(workspace.default_region ?? 'TR');
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);

  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/api/v1/workspaces/{workspace}', { params: { path: { workspace: workspace.id } }, body: { name, locale, time_zone: timeZone, default_region: region } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.one(workspace.id) });
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.list });
      notify(t('settings.saved'));
    },
  });

  async function remove() {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}', { params: { path: { workspace: workspace.id } } }));
    localStorage.removeItem('ulak.lastWorkspace');
    await queryClient.invalidateQueries({ queryKey: workspaceKeys.list });
    void navigate('/');
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <>
      <PageHeader title={t('nav.settings')} />
      <Section title={t('settings.general')}>
        <form className="stack narrow" onSubmit={submit}>
          <TextField label={t('workspace.name')} required value={name} onValue={setName} readOnly={!canUpdate} error={fieldError(save.error, 'name')} />
          <SelectField
            label={t('settings.locale')}
            value={locale}
            onValue={setLocale}
            disabled={!canUpdate}
            hint={t('settings.localeHint')}
            error={fieldError(save.error, 'locale')}
            options={[
              { value: 'tr', label: 'Türkçe' },
              { value: 'en', label: 'English' },
            ]}
          />
          <TextField label={t('settings.timeZone')} list="time-zones" value={timeZone} onValue={setTimeZone} readOnly={!canUpdate} error={fieldError(save.error, 'time_zone')} />
          <datalist id="time-zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          <TextField label={t('settings.region')} value={region} maxLength={2} onValue={setRegion} readOnly={!canUpdate} hint={t('settings.regionHint')} error={fieldError(save.error, 'default_region')} />
          <ErrorMessage message={actionError(save.error, FIELDS)} />
          {canUpdate ? (
            <div>
              <Button type="submit" variant="primary" busy={save.isPending}>
                {t('common.save')}
              </Button>
            </div>
          ) : null}
        </form>
      </Section>
      {can('workspace', 'delete') ? (
        <Section title={t('settings.danger')}>
          <p>{t('settings.deleteExplained')}</p>
          <ConfirmDialog
            trigger={<Button variant="danger">{t('settings.delete')}</Button>}
            title={t('settings.deleteTitle')}
            description={t('settings.deleteConfirm', { name: workspace.name })}
            confirmLabel={t('settings.delete')}
            onConfirm={remove}
          />
        </Section>
      ) : null}
    </>
  );
}
