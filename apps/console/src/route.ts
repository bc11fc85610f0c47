import { useEffect, useState } from 'preact/hooks';

/** The console's pages, addressed by the URL's hash (`/#/agents`): the server only ever serves `/`. */
export const PAGES = {
  agents: { title: 'Agents' },
} as const;

/** A page of {@link PAGES}. */
export type PageName = keyof typeof PAGES;

/** The page the first page-less URL shows. */
export const DEFAULT_PAGE: PageName = 'agents';

function isPage(value: string): value is PageName {
  return Object.hasOwn(PAGES, value);
}

/** The page `hash` names, or {@link DEFAULT_PAGE}. */
export function pageOf(hash: string): PageName {
  const name = hash.replace(/^#\/?/, '').split('/', 1)[0] ?? '';
  return isPage(name) ? name : DEFAULT_PAGE;
}

/** The link to `page`. */
export function hrefOf(page: PageName): string {
  return `#/${page}`;
}

/** The page the location's hash names, following its changes. */
export function useCurrentPage(): PageName {
  const [page, setPage] = useState<PageName>(() => pageOf(window.location.hash));
  useEffect(() => {
    const onChange = () => setPage(pageOf(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return page;
}
