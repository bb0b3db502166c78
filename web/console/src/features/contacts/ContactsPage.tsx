import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import { urls } from '../../api/paths';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useDebounced } from '../../ui/hooks';
import { EmptyState, Loading, PageHeader, TableWrap } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { BulkActions } from './BulkActions';
import { ContactDialog } from './ContactDialog';
import { ContactFilters } from './ContactFilters';
import { contactKeys, displayName, EMPTY_FILTER, filterQuery, useContactCount, useContactPages, type Contact, type ContactFilter } from './contactsApi';

export default function ContactsPage() {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState<ContactFilter>(EMPTY_FILTER);
  const settled = useDebounced(filter);
  const pages = useContactPages(workspace.id, settled);
  const total = useContactCount(workspace.id, settled);
  const [editing, setEditing] = useState<Contact | null>(null);
  const [dialogOpen, setDialogOpen] = useState(params.get('new') === '1');
  const canWrite = can('contacts', 'write');

  const contacts = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const knownTags = useMemo(() => [...new Set(contacts.flatMap((c) => c.tags))].sort(), [contacts]);
  const knownFields = useMemo(() => [...new Set(contacts.flatMap((c) => Object.keys(c.custom_fields)))].sort(), [contacts]);

  function openDialog(contact: Contact | null) {
    setEditing(contact);
    setDialogOpen(true);
  }

  function closeDialog(open: boolean) {
    setDialogOpen(open);
    if (!open && params.has('new')) {
      params.delete('new');
      setParams(params, { replace: true });
    }
  }

  async function remove(contact: Contact) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/contacts/{id}', { params: { path: { workspace: workspace.id, id: contact.id } } }));
    await queryClient.invalidateQueries({ queryKey: contactKeys.all(workspace.id) });
    notify(t('contacts.deleted'));
  }

  return (
    <>
      <PageHeader
        title={t('nav.contacts')}
        actions={
          <>
            <a className="btn btn-secondary" href={urls.contactsExport(workspace.id, filterQuery(settled))} download>
              {t('contacts.export')}
            </a>
            {canWrite ? (
              <>
                <Link className="btn btn-secondary" to={`/w/${workspace.id}/contacts/import`}>
                  {t('contacts.import')}
                </Link>
                <Button variant="primary" onClick={() => openDialog(null)}>
                  {t('contacts.add')}
                </Button>
              </>
            ) : null}
          </>
        }
      />
      <ContactFilters filter={filter} onChange={setFilter} knownTags={knownTags} knownFields={knownFields} />
      {canWrite ? <BulkActions filter={settled} /> : null}
      <ErrorMessage message={pages.error?.message} />
      {pages.isPending ? (
        <Loading label={t('common.loading')} />
      ) : contacts.length === 0 && !pages.hasNextPage ? (
        <EmptyState>{filterQuery(settled).size ? t('contacts.noMatches') : t('contacts.none')}</EmptyState>
      ) : (
        <TableWrap label={t('nav.contacts')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('contacts.name')}</th>
                <th scope="col">{t('contacts.phone')}</th>
                <th scope="col">{t('contacts.email')}</th>
                <th scope="col">{t('contacts.tags')}</th>
                <th scope="col">{t('contacts.customFields')}</th>
                <th scope="col">{t('contacts.updated')}</th>
                {canWrite ? <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {contacts.map((contact) => (
                <tr key={contact.id}>
                  <td>
                    {displayName(contact) || <span className="muted">{t('contacts.unnamed')}</span>}
                    {contact.opted_out ? <span className="badge badge-warn">{t('contacts.optedOutBadge')}</span> : null}
                  </td>
                  <td className="nowrap">{contact.phone}</td>
                  <td>{contact.email ?? ''}</td>
                  <td>
                    {contact.tags.map((tag) => (
                      <span className="tag" key={tag}>{tag}</span>
                    ))}
                  </td>
                  <td className="small">
                    {Object.entries(contact.custom_fields).map(([name, value]) => (
                      <div key={name}>
                        <span className="muted">{name}:</span> {String(value)}
                      </div>
                    ))}
                  </td>
                  <td className="nowrap small">{format.dateTime(contact.updated_at)}</td>
                  {canWrite ? (
                    <td className="nowrap">
                      <Button small onClick={() => openDialog(contact)} aria-label={t('contacts.editNamed', { name: displayName(contact) || contact.phone })}>
                        {t('common.edit')}
                      </Button>{' '}
                      <ConfirmDialog
                        trigger={
                          <Button small variant="ghost" aria-label={t('contacts.deleteNamed', { name: displayName(contact) || contact.phone })}>
                            {t('common.delete')}
                          </Button>
                        }
                        title={t('contacts.deleteTitle')}
                        description={t('contacts.deleteConfirm', { name: displayName(contact) || contact.phone })}
                        confirmLabel={t('common.delete')}
                        onConfirm={() => remove(contact)}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <div className="list-footer">
        <span className="muted" role="status">
          {/* While more pages remain, how many match in all (every page read: what is shown). */}
          {total.data && pages.hasNextPage
            ? t(total.data.exact ? 'contacts.shownOf' : 'contacts.shownOfAbout', {
                shown: format.number(contacts.length),
                total: format.number(total.data.count),
              })
            : contacts.length > 0
              ? t('contacts.shown', { count: contacts.length })
              : ''}
        </span>
        {pages.hasNextPage ? (
          <Button onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        ) : null}
      </div>
      {canWrite ? <ContactDialog open={dialogOpen} onOpenChange={closeDialog} contact={editing} /> : null}
    </>
  );
}
