/** `GET /openapi.json`: the OpenAPI 3.1 document of the API, public like any API's contract. */
import { Router } from 'express';
import { publicBasesOf } from '@vr3/env';
import type { ControlPlaneContext } from '../../context.ts';
import { buildOpenApiDocument } from './document.ts';

/** The route serving the document (built once; its server is the public URL's API base when known). */
export function openApiRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  let body: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    body ??= JSON.stringify(buildOpenApiDocument(ctx.config.publicUrl === null ? null : `${publicBasesOf(ctx.config.publicUrl).http}/api/v1`));
    res.type('application/json').set('cache-control', 'no-cache').send(body);
  });
  return router;
}
