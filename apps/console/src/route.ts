import { useEffect, useState } from 'preact/hooks';

/**
 * The console's pages, addressed by the URL's hash (`/#/agents`, `/#/runs/{id}`): the server only
 * ever serves `/`. In navigation order; `adminOnly` pages are the ones the API refuses members.
 */
export const PAGES = {
  overview: { title: 'Overview', adminOnly: false },
  'live-calls': { title: 'Live calls', adminOnly: false },
  agents: { title: 'Agents', adminOnly: false },
  runs: { title: 'Runs', adminOnly: false },
  telephony: { title: 'Telephony', adminOnly: true },
  credentials: { title: 'Service credentials', adminOnly: true },
  users: { title: 'Users & quotas', adminOnly: true },
  'api-keys': { title: 'API keys', adminOnly: true },
} as const;

/** A page of {@link PAGES}. */
export type PageName = keyof typeof PAGES;

/** The page the first page-less URL shows. */
export const DEFAULT_PAGE: PageName = 'overview';

/** Where the location points: a page, for one item's page (`#/agents/{uuid}`) its id, and its query (`#/runs?state=failed`). */
export interface Route {
  page: PageName;
  id: string | null;
  query: URLSearchParams;
}

function isPage(value: string): value is PageName {
  return Object.hasOwn(PAGES, value);
}

/** The route `hash` names; {@link DEFAULT_PAGE} for anything else. */
export function routeOf(hash: string): Route {
  const rest = hash.replace(/^#\/?/, '');
  const q = rest.indexOf('?');
  const [name = '', id = ''] = (q < 0 ? rest : rest.slice(0, q)).split('/');
  const query = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  if (!isPage(name)) return { page: DEFAULT_PAGE, id: null, query: new URLSearchParams() };
  return { page: name, id: id ? decodeURIComponent(id) : null, query };
}

/** The link to `page`, one item of it, or the page with a query. */
export function hrefOf(page: PageName, id?: string, query?: Record<string, string>): string {
  const qs = query ? new URLSearchParams(query).toString() : '';
  return `#/${page}${id === undefined ? '' : `/${encodeURIComponent(id)}`}${qs ? `?${qs}` : ''}`;
}

/** Goes to `page` (and one item of it). */
export function navigate(page: PageName, id?: string): void {
  window.location.hash = hrefOf(page, id);
}

/** The route the location's hash names, following its changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeOf(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
