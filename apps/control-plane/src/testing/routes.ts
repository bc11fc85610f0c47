import type { Router } from 'express';

/** `{method, path}` of every route an Express router (and the routers it mounts) declares. */
export function mountedRoutes(router: Router): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  for (const layer of router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown } }>) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push({ method: method.toUpperCase(), path: layer.route.path });
    } else if (Array.isArray(layer.handle?.stack)) {
      out.push(...mountedRoutes(layer.handle as unknown as Router));
    }
  }
  return out;
}
