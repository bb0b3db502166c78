import type { Schemas } from '../../api/client';

/** The latest message with a contact, and how many of theirs are unread. */
export type Conversation = Schemas['Page_Conversation']['items'][number];

export const conversationKeys = {
  inbox: (workspace: string) => ['conversations', workspace, 'inbox'] as const,
  list: (workspace: string, unreadOnly: boolean) => ['conversations', workspace, 'inbox', unreadOnly] as const,
  thread: (workspace: string, contact: string) => ['conversations', workspace, 'thread', contact] as const,
};
