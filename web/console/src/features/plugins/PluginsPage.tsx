import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { EmptyState, Loading, PageHeader } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { useUser } from '../session/session';
import { useWorkspacePlugins } from '../templates/templatesApi';
import { useWorkspace } from '../workspace/workspace';
import { ConfigForm } from './ConfigForm';
import { InstallPlugin } from './InstallPlugin';
import { PluginActivity } from './PluginActivity';
import { TestSend } from './TestSend';

function PluginCard({ entry }: { entry: Schemas['WorkspacePlugin'] }) {
  const t = useT();
  const notify = useNotify();
  const user = useUser();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('plugins', 'write');
  const { plugin } = entry;
  const [activityOpen, setActivityOpen] = useState(false);
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => unwrap(api.PATCH('/api/v1/workspaces/{workspace}/plugins/{name}', { params: { path: { workspace: workspace.id, name: plugin.name } }, body: { enabled } })),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['plugins', workspace.id] });
      notify(t(result.enabled ? 'plugins.enabledNamed' : 'plugins.disabledNamed', { name: plugin.name }));
    },
  });
  async function uninstall() {
    await unwrap(api.DELETE('/api/v1/plugins/{name}', { params: { path: { name: plugin.name } } }));
    await queryClient.invalidateQueries({ queryKey: ['plugins'] });
    notify(t('plugins.uninstalled', { name: plugin.name }));
  }

  return (
    <article className="card plugin" aria-labelledby={`plugin-${plugin.name}`}>
      <div className="card-header">
        <h2 id={`plugin-${plugin.name}`}>
          {plugin.name} <span className="muted small">{plugin.version}</span>
        </h2>
        <span className={entry.enabled ? 'badge badge-ok' : 'badge'}>{entry.enabled ? t('plugins.enabled') : t('plugins.disabled')}</span>
      </div>
      <p>{plugin.description}</p>
      <dl className="facts">
        <div>
          <dt>{t('plugins.kind')}</dt>
          <dd>{t(`plugins.kind.${plugin.kind}`)}</dd>
        </div>
        {plugin.variables.length > 0 ? (
          <div>
            <dt>{t('plugins.variables')}</dt>
            <dd>{plugin.variables.map((name) => `%${name}%`).join(', ')}</dd>
          </div>
        ) : null}
        {plugin.file_extensions.length > 0 ? (
          <div>
            <dt>{t('plugins.fileTypes')}</dt>
            <dd>{plugin.file_extensions.map((e) => `.${e}`).join(' ')}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('plugins.network')}</dt>
          <dd>{plugin.permissions.http_hosts?.length ? plugin.permissions.http_hosts.join(', ') : t('plugins.noNetwork')}</dd>
        </div>
        <div>
          <dt>{t('plugins.configured')}</dt>
          <dd>{entry.configured ? t('common.yes') : t('plugins.needsConfig')}</dd>
        </div>
      </dl>
      {canWrite ? (
        <div className="row wrap">
          <Button onClick={() => toggle.mutate(!entry.enabled)} busy={toggle.isPending}>
            {entry.enabled ? t('plugins.disable') : t('plugins.enable')}
          </Button>
          {user.superadmin && plugin.source === 'upload' ? (
            <ConfirmDialog
              trigger={<Button variant="ghost">{t('plugins.uninstall')}</Button>}
              title={t('plugins.uninstallTitle')}
              description={t('plugins.uninstallConfirm', { name: plugin.name })}
              confirmLabel={t('plugins.uninstall')}
              onConfirm={uninstall}
            />
          ) : null}
        </div>
      ) : null}
      <ErrorMessage message={actionError(toggle.error)} />
      {Object.keys(plugin.config_schema).length > 0 ? (
        <details className="plugin-section">
          <summary>{t('plugins.configuration')}</summary>
          <ConfigForm entry={entry} disabled={!canWrite} />
        </details>
      ) : null}
      {plugin.kind === 'transport' && canWrite && entry.enabled ? (
        <details className="plugin-section">
          <summary>{t('plugins.testSend')}</summary>
          <TestSend plugin={plugin.name} />
        </details>
      ) : null}
      {canWrite ? (
        <details className="plugin-section" onToggle={(event) => setActivityOpen(event.currentTarget.open)}>
          <summary>{t('plugins.activity')}</summary>
          {activityOpen ? <PluginActivity plugin={plugin.name} /> : null}
        </details>
      ) : null}
    </article>
  );
}

export default function PluginsPage() {
  const t = useT();
  const user = useUser();
  const plugins = useWorkspacePlugins();
  const items = plugins.data ?? [];
  return (
    <>
      <PageHeader title={t('nav.plugins')}>
        <p className="muted">{t('plugins.subtitle')}</p>
      </PageHeader>
      {user.superadmin ? <InstallPlugin /> : null}
      <ErrorMessage message={plugins.error?.message} />
      {plugins.isPending ? <Loading label={t('common.loading')} /> : items.length === 0 ? <EmptyState>{t('plugins.none')}</EmptyState> : items.map((entry) => <PluginCard key={entry.plugin.name} entry={entry} />)}
    </>
  );
}
