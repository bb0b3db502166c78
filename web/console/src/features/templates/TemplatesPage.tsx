import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { EmptyState, Loading, PageHeader, TableWrap } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { templateKeys, type Template } from './templatesApi';

export default function TemplatesPage() {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('templates', 'write');
  const templates = useQuery({
    queryKey: templateKeys.all(workspace.id),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/templates', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });

  async function remove(template: Template) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/templates/{id}', { params: { path: { workspace: workspace.id, id: template.id } } }));
    await queryClient.invalidateQueries({ queryKey: templateKeys.all(workspace.id) });
    notify(t('templates.deleted'));
  }

  const items = templates.data?.items ?? [];
  return (
    <>
      <PageHeader
        title={t('nav.templates')}
        actions={
          canWrite ? (
            <Link className="btn btn-primary" to={`/w/${workspace.id}/templates/new`}>
              {t('templates.new')}
            </Link>
          ) : null
        }
      />
      <ErrorMessage message={templates.error?.message} />
      {templates.isPending ? (
        <Loading label={t('common.loading')} />
      ) : items.length === 0 ? (
        <EmptyState>{t('templates.none')}</EmptyState>
      ) : (
        <TableWrap label={t('nav.templates')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('templates.name')}</th>
                <th scope="col">{t('templates.body')}</th>
                <th scope="col">{t('templates.tags')}</th>
                <th scope="col">{t('templates.attachments')}</th>
                <th scope="col">{t('contacts.updated')}</th>
                {canWrite ? <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((template) => (
                <tr key={template.id}>
                  <td>
                    <Link to={`/w/${workspace.id}/templates/${template.id}`}>{template.name}</Link>
                  </td>
                  <td className="clip">{template.body}</td>
                  <td>
                    {template.tags.map((tag) => (
                      <span key={tag} className="tag">{tag}</span>
                    ))}
                  </td>
                  <td className="num">{format.number(template.media.length)}</td>
                  <td className="nowrap small">{format.dateTime(template.updated_at)}</td>
                  {canWrite ? (
                    <td>
                      <ConfirmDialog
                        trigger={<Button small variant="ghost" aria-label={t('templates.deleteNamed', { name: template.name })}>{t('common.delete')}</Button>}
                        title={t('templates.deleteTitle')}
                        description={t('templates.deleteConfirm', { name: template.name })}
                        confirmLabel={t('common.delete')}
                        onConfirm={() => remove(template)}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {templates.data?.next_cursor ? <p className="muted">{t('templates.firstOnly', { count: items.length })}</p> : null}
    </>
  );
}
