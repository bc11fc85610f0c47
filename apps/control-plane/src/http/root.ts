import { readFileSync } from 'node:fs';
import { Router, type Request, type Response } from 'express';
import { consoleAssets, loadConsole, sendConsolePage } from './console-static.ts';

/** Which process answers: the embedded product, or one of the distributed services. */
export type ServiceName = 'embedded' | 'control-plane' | 'media-edge';

/** The product's version (this package's, kept in step with the repository's), read once. */
export const PRODUCT_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Paths a service answers at its root, for {@link serviceInfo}. */
const LINKS: Readonly<Record<ServiceName, Readonly<Record<string, string>>>> = {
  embedded: {
    api: '/api/v1',
    whoami: '/api/v1/me',
    agent_stream: '/api/v1/agent-stream/{agent_uuid}?provider={provider}',
    health: '/healthz',
    ready: '/readyz',
    metrics: '/metrics',
  },
  'control-plane': { api: '/api/v1', whoami: '/api/v1/me', health: '/healthz', ready: '/readyz', metrics: '/metrics' },
  'media-edge': { agent_stream: '/api/v1/agent-stream/{agent_uuid}?provider={provider}', health: '/healthz', ready: '/readyz', metrics: '/metrics' },
};

/**
 * What `GET /` answers: the product, the service, its version and where to go next. Nothing about
 * the deployment (no host, no configuration): the root is public.
 */
export function serviceInfo(service: ServiceName) {
  return {
    product: 'VR3 Agent Stream',
    service,
    version: PRODUCT_VERSION,
    links: LINKS[service],
    ...(service === 'media-edge' ? {} : { auth: 'Authorization: Bearer <api key> on every /api/v1 route' }),
  };
}

/** The JSON 404 every path no route matched answers, in the API's error shape. */
export const NOT_FOUND_BODY = Object.freeze({ error: Object.freeze({ code: 'not_found', message: 'no such route' }) });

/** Options of {@link serviceRoot}. */
export interface ServiceRootOptions {
  /** The built console to serve (default: the `@vr3/console` workspace's `dist/`); null: none. */
  consoleDir?: string | null;
}

/**
 * `GET /`: the operator console (its page and, under `/assets/`, its files) for browsers, which ask
 * for `text/html`; {@link serviceInfo} as JSON for everyone else (and for browsers too when the
 * console is not built, or on the media-edge, which has none). Then a JSON 404
 * (`{"error":{"code":"not_found",…}}`) for every other request no earlier route answered, instead
 * of Express's HTML page. Mount it last: `app.use(serviceRoot('embedded'))`.
 */
export function serviceRoot(service: ServiceName, options: ServiceRootOptions = {}): Router {
  const body = JSON.stringify(serviceInfo(service));
  const build = service === 'media-edge' || options.consoleDir === null ? null : loadConsole(options.consoleDir);
  const router = Router();
  router.get('/', (req: Request, res: Response) => {
    if (build) {
      res.vary('Accept');
      if (req.accepts(['application/json', 'text/html']) === 'text/html') return sendConsolePage(res, build);
    }
    res.type('application/json').send(body);
  });
  if (build) router.use('/assets', consoleAssets(build));
  router.use((_req: Request, res: Response) => {
    res.status(404).json(NOT_FOUND_BODY);
  });
  return router;
}
