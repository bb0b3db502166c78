import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextAreaField } from '../../ui/Field';
import { Loading } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { displayName } from '../contacts/contactsApi';
import { useWorkspace } from '../workspace/workspace';
import { conversationKeys, type Conversation } from './conversationsApi';

type MessagePage = Schemas['Page_Message'];
type Message = Schemas['Message'];

/** One contact's messages, oldest at the top, with the reply box and "mark read". */
export function Thread({ contactId, conversation }: { contactId: string; conversation: Conversation | undefined }) {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('conversations', 'write');
  const [text, setText] = useState('');
  const contact = useQuery({
    queryKey: ['contacts', workspace.id, 'one', contactId],
    enabled: can('contacts', 'read'),
    retry: false,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/contacts/{id}', { params: { path: { workspace: workspace.id, id: contactId } } })),
  });
  const pages = useInfiniteQuery({
    queryKey: conversationKeys.thread(workspace.id, contactId),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: MessagePage) => page.next_cursor ?? undefined,
    refetchInterval: 10_000,
    queryFn: ({ pageParam }): Promise<MessagePage> =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace}/conversations/{contact}/messages', {
          params: { path: { workspace: workspace.id, contact: contactId }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
  });
  // The API answers newest first; a thread reads oldest first.
  const messages = useMemo(() => (pages.data?.pages.flatMap((page) => page.items) ?? []).slice().reverse(), [pages.data]);
  const list = useRef<HTMLOListElement | null>(null);
  const newest = messages.at(-1)?.id;
  // The newest message in view when the thread opens and when one arrives.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [newest]);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: conversationKeys.thread(workspace.id, contactId) });
    await queryClient.invalidateQueries({ queryKey: conversationKeys.inbox(workspace.id) });
  };
  const reply = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/workspaces/{workspace}/conversations/{contact}/messages', { params: { path: { workspace: workspace.id, contact: contactId } }, body: { text } })),
    onSuccess: async () => {
      setText('');
      await refresh();
      notify(t('conversations.replySent'));
    },
  });
  const markRead = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/workspaces/{workspace}/conversations/{contact}/read', { params: { path: { workspace: workspace.id, contact: contactId } } })),
    onSuccess: refresh,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim()) reply.mutate();
  }

  const name = (contact.data ? displayName(contact.data) : conversation?.contact_name) || contact.data?.phone || conversation?.phone || contactId;
  const phone = contact.data?.phone ?? conversation?.phone ?? '';
  const optedOut = contact.data?.opted_out ?? conversation?.opted_out ?? false;
  const unread = conversation?.unread ?? 0;

  return (
    <div className="thread stack">
      <div className="card-header thread-header">
        <div>
          <h2 id="thread-title">{name}</h2>
          <p className="small muted">
            {phone && phone !== name ? phone : null}
            {optedOut ? (
              <span className="badge badge-warn" data-testid="opted-out">
                {t('contacts.optedOutBadge')}
              </span>
            ) : (
              <span className="badge badge-ok">{t('conversations.reachable')}</span>
            )}
          </p>
          {optedOut && contact.data ? (
            <p className="small">
              {t('conversations.optedOutSince', { when: contact.data.opted_out_at ? format.dateTime(contact.data.opted_out_at) : '—' })}
              {contact.data.opt_out_reason ? ` · ${contact.data.opt_out_reason}` : ''}
            </p>
          ) : null}
        </div>
        {canWrite && unread > 0 ? (
          <Button small onClick={() => markRead.mutate()} busy={markRead.isPending}>
            {t('conversations.markRead')}
          </Button>
        ) : null}
      </div>
      <ErrorMessage message={actionError(markRead.error)} />
      <ErrorMessage message={pages.error?.message} />
      {pages.hasNextPage ? (
        <div>
          <Button small onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage}>
            {t('conversations.older')}
          </Button>
        </div>
      ) : null}
      {pages.isPending ? (
        <Loading label={t('common.loading')} />
      ) : (
        <ol className="messages" aria-labelledby="thread-title" data-testid="thread" ref={list} tabIndex={0}>
          {messages.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
        </ol>
      )}
      {canWrite ? (
        <form className="stack reply" onSubmit={submit}>
          <TextAreaField
            label={t('conversations.reply')}
            rows={3}
            value={text}
            onValue={setText}
            disabled={optedOut}
            hint={optedOut ? t('conversations.optedOutNoReply') : t('conversations.replyHint')}
            error={fieldError(reply.error, 'text')}
          />
          <ErrorMessage message={actionError(reply.error, ['text'])} />
          <div>
            <Button type="submit" variant="primary" busy={reply.isPending} disabled={optedOut || !text.trim()}>
              {t('conversations.send')}
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

function MessageItem({ message }: { message: Message }) {
  const t = useT();
  const format = useFormat();
  const inbound = message.direction === 'in';
  return (
    <li className={inbound ? 'message message-in' : 'message message-out'}>
      <span className="visually-hidden">{inbound ? t('conversations.fromContact') : t('conversations.toContact')}</span>
      <p className="message-text">{message.text || <span className="muted">{t('conversations.noText')}</span>}</p>
      {message.attachments?.length ? <p className="message-meta message-attachments">{t('conversations.attachments', { names: message.attachments.map((a) => a.file_name).join(', ') })}</p> : null}
      <p className="message-meta">
        {format.dateTime(message.created_at)}
        {inbound ? null : ` · ${t(`status.${message.status}`)}`}
        {message.campaign ? ` · ${t('conversations.campaignMessage')}` : ''}
        {message.reason ? ` · ${message.reason}` : ''}
      </p>
    </li>
  );
}
