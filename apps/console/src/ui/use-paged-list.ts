import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Page } from '../types.ts';

/** A list the API pages: what is shown so far, and how to fetch the next page or start again. */
export interface PagedList<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  /** A next page exists. */
  hasMore: boolean;
  /** Appends the next page. */
  more: () => void;
  /** Reloads from the first page (after a change, or when the filters change). */
  reload: () => void;
}

/**
 * Loads `fetchPage(undefined)`, then `fetchPage(next_cursor)` on `more()`. A new `fetchPage`
 * (its filters changed: wrap it in `useCallback`) starts again from the first page.
 */
export function usePagedList<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (from: string | undefined) => {
      setLoading(true);
      setError(null);
      try {
        const page = await fetchPage(from);
        setItems((shown) => (from === undefined ? page.data : [...shown, ...page.data]));
        setCursor(page.next_cursor ?? null);
      } catch (err) {
        if (from === undefined) setItems([]);
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    void load(undefined);
  }, [load]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    more: () => {
      if (cursor !== null) void load(cursor);
    },
    reload: () => void load(undefined),
  };
}
