import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, NavLink, useParams } from 'react-router';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField } from '../../ui/Field';
import { EmptyState, Loading, PageHeader } from '../../ui/Layout';
import { RequirePermission, useWorkspace } from '../workspace/workspace';
import { conversationKeys } from './conversationsApi';
import { OptOutWordsDialog } from './OptOutWordsDialog';
import { Thread } from './Thread';

type ConversationPage = Schemas['Page_Conversation'];

/** Conversations name their contacts: the API wants contacts: read as well. */
export default function ConversationsPage() {
  return (
    <RequirePermission resource="contacts" action="read">
      <Conversations />
    </RequirePermission>
  );
}

/** The inbox (latest message per contact, unread counts) beside the open conversation. */
function Conversations() {
  const t = useT();
  const format = useFormat();
  const { contactId } = useParams();
  const { workspace } = useWorkspace();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [wordsOpen, setWordsOpen] = useState(false);
  const pages = useInfiniteQuery({
    queryKey: conversationKeys.list(workspace.id, unreadOnly),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: ConversationPage) => page.next_cursor ?? undefined,
    // No event stream for the inbox: read it again now and then.
    refetchInterval: 15_000,
    queryFn: ({ pageParam }): Promise<ConversationPage> =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace}/conversations', {
          params: { path: { workspace: workspace.id }, query: { limit: 50, ...(unreadOnly ? { unread: true } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
  });
  const conversations = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const open = conversations.find((conversation) => conversation.contact === contactId);
  const base = `/w/${workspace.id}/conversations`;

  return (
    <>
      <PageHeader title={t('nav.conversations')} actions={<Button onClick={() => setWordsOpen(true)}>{t('conversations.optOutWords')}</Button>}>
        <p className="muted">{t('conversations.subtitle')}</p>
      </PageHeader>
      <div className={contactId ? 'inbox-layout thread-open' : 'inbox-layout'}>
        <section className="card inbox" aria-labelledby="inbox-title">
          <div className="card-header">
            <h2 id="inbox-title">{t('conversations.inbox')}</h2>
          </div>
          <CheckboxField label={t('conversations.unreadOnly')} checked={unreadOnly} onChecked={setUnreadOnly} />
          <ErrorMessage message={pages.error?.message} />
          {pages.isPending ? (
            <Loading label={t('common.loading')} />
          ) : conversations.length === 0 ? (
            <EmptyState>{unreadOnly ? t('conversations.noneUnread') : t('conversations.none')}</EmptyState>
          ) : (
            <ul className="plain-list inbox-list">
              {conversations.map((conversation) => {
                const name = conversation.contact_name || conversation.phone || conversation.contact;
                return (
                  <li key={conversation.contact}>
                    <NavLink to={`${base}/${encodeURIComponent(conversation.contact)}`} className={({ isActive }) => (isActive ? 'inbox-item active' : 'inbox-item')}>
                      <span className="inbox-line">
                        <strong className="grow inbox-name">{name}</strong>
                        <span className="small muted nowrap">{format.dateTime(conversation.last_at)}</span>
                      </span>
                      <span className="inbox-line">
                        <span className="grow inbox-text small">
                          {conversation.last_direction === 'out' ? `${t('conversations.you')}: ` : ''}
                          {conversation.last_text}
                        </span>
                        {conversation.unread > 0 ? (
                          <span className="unread" data-testid="unread-count">
                            {format.number(conversation.unread)}
                            <span className="visually-hidden"> {t('conversations.unread', { count: conversation.unread })}</span>
                          </span>
                        ) : null}
                        {conversation.opted_out ? <span className="badge badge-warn">{t('contacts.optedOutBadge')}</span> : null}
                      </span>
                    </NavLink>
                  </li>
                );
              })}
            </ul>
          )}
          {pages.hasNextPage ? (
            <Button small onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          ) : null}
        </section>
        <section className="card thread-pane" aria-label={t('conversations.thread')}>
          {contactId ? (
            <>
              <p className="thread-back">
                <Link to={base}>← {t('conversations.inbox')}</Link>
              </p>
              <Thread key={contactId} contactId={contactId} conversation={open} />
            </>
          ) : (
            <p className="muted">{conversations.length ? t('conversations.choose') : t('conversations.emptyExplained')}</p>
          )}
        </section>
      </div>
      <OptOutWordsDialog open={wordsOpen} onOpenChange={setWordsOpen} />
    </>
  );
}
