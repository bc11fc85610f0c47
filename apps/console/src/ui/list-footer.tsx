import { ErrorMessage } from '../error-message.tsx';
import type { PagedList } from './use-paged-list.ts';

/** Under a paged list: its error, "nothing here", "Load more" while the API has a next page, and "Loading…". */
export function ListFooter({ list, empty }: { list: PagedList<unknown>; empty: string }) {
  return (
    <>
      <ErrorMessage error={list.error} />
      {!list.loading && !list.error && list.items.length === 0 ? <p class="empty">{empty}</p> : null}
      {list.hasMore ? (
        <button type="button" class="secondary" disabled={list.loading} onClick={list.more}>
          Load more
        </button>
      ) : null}
      {list.loading ? <p class="muted">Loading…</p> : null}
    </>
  );
}
