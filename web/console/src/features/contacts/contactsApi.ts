import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';

export type Contact = Schemas['Contact'];
export type ContactInput = Schemas['ContactInput'];
export type ContactPage = Schemas['Page_Contact'];

/** What the contact list is filtered by; the same filter drives bulk actions and the CSV export. */
export interface ContactFilter {
  search: string;
  tag: string;
  optedOut: 'any' | 'yes' | 'no';
  /** One custom field and the value it must equal (`?custom.<field>=<value>`). */
  customField: string;
  customValue: string;
}

export const EMPTY_FILTER: ContactFilter = { search: '', tag: '', optedOut: 'any', customField: '', customValue: '' };

export const contactKeys = {
  all: (workspace: string) => ['contacts', workspace] as const,
  list: (workspace: string, filter: ContactFilter) => ['contacts', workspace, 'list', filter] as const,
};

/** The filter as query parameters (list and export take the same ones). */
export function filterQuery(filter: ContactFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.search.trim()) query.set('search', filter.search.trim());
  if (filter.tag.trim()) query.set('tag', filter.tag.trim());
  if (filter.optedOut !== 'any') query.set('opted_out', String(filter.optedOut === 'yes'));
  if (filter.customField.trim() && filter.customValue.trim()) {
    query.set(`custom.${filter.customField.trim()}`, filter.customValue.trim());
  }
  return query;
}

/** The filter as the body of a bulk action; `all: true` when nothing narrows it. */
export function bulkFilter(filter: ContactFilter): Schemas['BulkFilter'] {
  const body: Schemas['BulkFilter'] = {};
  if (filter.search.trim()) body.search = filter.search.trim();
  if (filter.tag.trim()) body.tag = filter.tag.trim();
  if (filter.optedOut !== 'any') body.opted_out = filter.optedOut === 'yes';
  if (filter.customField.trim() && filter.customValue.trim()) {
    body.custom = { [filter.customField.trim()]: filter.customValue.trim() };
  }
  return Object.keys(body).length > 0 ? body : { all: true };
}

export function isFiltered(filter: ContactFilter): boolean {
  return filterQuery(filter).size > 0;
}

const PAGE_SIZE = 50;

export function useContactPages(workspace: string, filter: ContactFilter, enabled = true) {
  return useInfiniteQuery({
    queryKey: contactKeys.list(workspace, filter),
    enabled,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: ContactPage) => page.next_cursor ?? undefined,
    queryFn: ({ pageParam }): Promise<ContactPage> =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace}/contacts', {
          params: {
            path: { workspace },
            query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
          },
          // Custom-field filters (`custom.<name>`) are open-ended, so the spec cannot list them.
          querySerializer: (known) => {
            const query = filterQuery(filter);
            for (const [name, value] of Object.entries(known)) {
              if (value !== undefined) query.set(name, String(value));
            }
            return query.toString();
          },
        }),
      ),
  });
}

/** How many contacts the filter matches (`exact` false: about that many, or at least). */
export function useContactCount(workspace: string, filter: ContactFilter) {
  return useQuery({
    queryKey: [...contactKeys.all(workspace), 'count', filter],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/workspaces/{workspace}/contacts/count', {
          params: { path: { workspace }, query: {} },
          querySerializer: () => filterQuery(filter).toString(),
        }),
      ),
  });
}

export function displayName(contact: Pick<Contact, 'first_name' | 'last_name'>): string {
  return [contact.first_name, contact.last_name].filter(Boolean).join(' ');
}
