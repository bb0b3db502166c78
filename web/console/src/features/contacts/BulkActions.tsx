import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { TextField } from '../../ui/Field';
import { parseTags } from '../../ui/hooks';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { bulkFilter, contactKeys, isFiltered, type ContactFilter } from './contactsApi';

/** Tag, untag or delete every contact the current filter matches (the whole workspace without one). */
export function BulkActions({ filter }: { filter: ContactFilter }) {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace } = useWorkspace();
  const [tags, setTags] = useState('');
  const scope = isFiltered(filter) ? t('contacts.bulkScopeFiltered') : t('contacts.bulkScopeAll');
  const tagList = parseTags(tags);

  async function run(action: 'tag' | 'untag' | 'delete') {
    const result = await unwrap(
      api.POST('/api/v1/workspaces/{workspace}/contacts/bulk', {
        params: { path: { workspace: workspace.id } },
        body: { action, filter: bulkFilter(filter), ...(action === 'delete' ? {} : { tags: tagList }) },
      }),
    );
    await queryClient.invalidateQueries({ queryKey: contactKeys.all(workspace.id) });
    await queryClient.invalidateQueries({ queryKey: ['dashboard', workspace.id] });
    notify(t('contacts.bulkDone', { count: result.affected }));
  }

  return (
    <details className="bulk">
      <summary>{t('contacts.bulkTitle')}</summary>
      <p className="muted">{scope}</p>
      <div className="row wrap align-end">
        <TextField label={t('contacts.bulkTags')} value={tags} onValue={setTags} hint={t('contacts.tagsHint')} />
        <ConfirmDialog
          trigger={<Button disabled={tagList.length === 0}>{t('contacts.bulkTag')}</Button>}
          title={t('contacts.bulkTagTitle')}
          description={t('contacts.bulkTagConfirm', { tags: tagList.join(', '), scope })}
          confirmLabel={t('contacts.bulkTag')}
          danger={false}
          onConfirm={() => run('tag')}
        />
        <ConfirmDialog
          trigger={<Button disabled={tagList.length === 0}>{t('contacts.bulkUntag')}</Button>}
          title={t('contacts.bulkUntagTitle')}
          description={t('contacts.bulkUntagConfirm', { tags: tagList.join(', '), scope })}
          confirmLabel={t('contacts.bulkUntag')}
          danger={false}
          onConfirm={() => run('untag')}
        />
        <ConfirmDialog
          trigger={<Button variant="danger">{t('contacts.bulkDelete')}</Button>}
          title={t('contacts.bulkDeleteTitle')}
          description={t('contacts.bulkDeleteConfirm', { scope })}
          confirmLabel={t('contacts.bulkDelete')}
          onConfirm={() => run('delete')}
        />
      </div>
    </details>
  );
}
