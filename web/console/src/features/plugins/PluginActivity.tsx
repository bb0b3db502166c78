import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { Loading } from '../../ui/Layout';
import { useWorkspace } from '../workspace/workspace';

/** A plugin's recent log lines and error counts in this workspace (read when the section is opened). */
export function PluginActivity({ plugin }: { plugin: string }) {
  const t = useT();
  const format = useFormat();
  const { workspace } = useWorkspace();
  const log = useQuery({
    queryKey: ['plugins', workspace.id, plugin, 'log'],
    refetchInterval: 5000,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/plugins/{name}/log', { params: { path: { workspace: workspace.id, name: plugin } } })),
  });
  if (log.isPending) return <Loading label={t('common.loading')} />;
  if (log.error) return <ErrorMessage message={log.error.message} />;
  const { calls_ok, calls_failed, item_errors, last_error, lines } = log.data;
  return (
    <div className="stack" data-testid={`plugin-activity-${plugin}`}>
      <p className="small muted">{t('plugins.activityCounts', { ok: format.number(calls_ok), failed: format.number(calls_failed), items: format.number(item_errors) })}</p>
      {last_error ? (
        <p className="small">
          <strong>{t('plugins.lastError', { at: format.dateTime(last_error.at) })}</strong> {last_error.message}
        </p>
      ) : null}
      {lines.length === 0 ? (
        <p className="small muted">{t('plugins.noLogLines')}</p>
      ) : (
        <ol className="log-lines small" aria-label={t('plugins.logLines')} tabIndex={0}>
          {lines.map((line, index) => (
            <li key={index}>
              <span className="muted">{format.dateTime(line.at)}</span> <span className={`badge${line.level === 'error' || line.level === 'warn' ? ' badge-warn' : ''}`}>{line.level}</span> {line.message}
            </li>
          ))}
        </ol>
      )}
      <p className="hint">{t('plugins.activityHint')}</p>
    </div>
  );
}
