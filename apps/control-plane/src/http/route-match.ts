/** Matching a request against a table of Express route paths, as Express matches them by default. */

/** A route of a table: a method and an Express path (`:param` segments). */
export interface RoutePattern {
  method: string;
  path: string;
}

/**
 * Compiles `routes` into a lookup `(method, path) → the first matching route` that matches as
 * Express does by default: case-insensitive, optional trailing slash, `:param` = one non-empty
 * segment; HEAD as GET.
 */
export function compileRouteTable<T extends RoutePattern>(routes: readonly T[]): (method: string, path: string) => T | undefined {
  const compiled = routes.map((route) => ({
    route,
    method: route.method.toUpperCase(),
    pattern: new RegExp(
      `^${route.path
        .split('/')
        .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}/?$`,
      'i',
    ),
  }));
  return (method, path) => {
    const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    return compiled.find((r) => r.method === m && r.pattern.test(path))?.route;
  };
}
