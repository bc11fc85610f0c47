import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { deleteServiceCredentialUnlessUsed, findServiceCredentialRecord, listServiceCredentials } from '../db/service-credentials.ts';
import { VENDOR_CREDENTIAL_CHECKS } from '@vr3/vendors';
import { SERVICE_VENDORS, isServiceVendor, openServiceApiKey, sealServiceApiKey } from '../engines/service-credentials.ts';
import { ApiError } from '../errors.ts';
import type { Prisma, ServiceCredential } from '../generated/prisma/client.ts';
import { checkBaseUrl, checkBaseUrlHost } from './base-url.ts';
import { credentialTestView, UNREADABLE_SECRET } from './credential-test.ts';
import { pageQuery, timeCursorAfter, timeCursorPosition } from './cursor.ts';
import { principal, validate } from './middleware.ts';

/** Page size bounds of `GET /service-credentials`. */
export const SERVICE_CREDENTIAL_PAGE = { default: 20, max: 100 } as const;

const Name = z.string().trim().min(1).max(200);
/** Vendor keys are tokens sent in a header: printable ASCII, no spaces. */
const ApiKey = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const BaseUrl = z.string().max(2048).nullable();

const CreateBody = z.strictObject({ vendor: z.string().min(1), name: Name, api_key: ApiKey, base_url: BaseUrl.optional() });
/** `vendor` is fixed at creation: agents name a credential for what it is. */
const UpdateBody = z.strictObject({ name: Name.optional(), api_key: ApiKey.optional(), base_url: BaseUrl.optional() });

const ListQuery = pageQuery(SERVICE_CREDENTIAL_PAGE.max).extend({ vendor: z.string().trim().toLowerCase().min(1).max(64).optional() });

/** REST shape of a service credential: the API key is write-only, only `api_key_set` shows. */
export function serviceCredentialView(row: ServiceCredential) {
  return {
    id: row.id,
    vendor: row.vendor,
    name: row.name,
    base_url: row.baseUrl,
    api_key_set: true,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const notFound = () => new ApiError('service_credential_not_found', 'service credential not found');

/**
 * Service credentials: an organization's API keys for voice vendors (`openai` and OpenAI-compatible
 * servers, `deepgram`, `elevenlabs`, `cartesia`), which agents' engine configurations name by id.
 * `POST /service-credentials`, `GET /service-credentials` (newest first, opaque cursor, `vendor` filter),
 * `GET|PATCH|DELETE /service-credentials/{id}`. The key is sealed with AES-256-GCM (the row id bound
 * as AAD) and never returned. Unless `allowInsecureProviderUrls`, `base_url` must be https and resolve
 * to public addresses only; changing it needs `api_key` in the same request. DELETE is 409 while an
 * agent may still run with the credential. Other organizations' credentials are 404.
 * `POST /service-credentials/{id}/test` checks the stored key with one authenticated read of the
 * vendor's API at the credential's `base_url` (or the vendor's own), within the provider timeout.
 */
export function serviceCredentialRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  const allowInsecure = ctx.config.allowInsecureProviderUrls;
  const hostOptions = { resolveHost: ctx.resolveProviderHost, timeoutMs: ctx.config.providerTimeoutMs };
  /** Canonical `base_url` (`null`: the vendor's default), shape and scheme checked. */
  const baseUrlOf = (value: string | null): string | null => (value === null ? null : checkBaseUrl('base_url', value, allowInsecure));
  /** Where the key will be sent: a chosen host must be public unless the operator switch is on. */
  const checkHost = async (url: string | null): Promise<void> => {
    if (url !== null && !allowInsecure) await checkBaseUrlHost('base_url', url, hostOptions);
  };
  const find = async (organizationId: string, id: string): Promise<ServiceCredential> => {
    const row = await findServiceCredentialRecord(ctx.prisma, organizationId, id);
    if (!row) throw notFound();
    return row;
  };

  router.post('/service-credentials', async (req, res) => {
    const body = validate(CreateBody, req.body);
    if (!isServiceVendor(body.vendor)) throw new ApiError('unknown_vendor', `vendor must be one of: ${SERVICE_VENDORS.join(', ')}`);
    const baseUrl = baseUrlOf(body.base_url ?? null);
    await checkHost(baseUrl);
    const me = principal(res);
    const id = randomUUID();
    const row = await ctx.prisma.serviceCredential.create({
      data: { id, organizationId: me.organizationId, vendor: body.vendor, name: body.name, baseUrl, apiKeyCiphertext: sealServiceApiKey(ctx.secretKey, id, body.api_key) },
    });
    ctx.logger.info({ service_credential_id: id, vendor: row.vendor, by_api_key_id: me.apiKeyId }, 'service credential created');
    res.status(201).json(serviceCredentialView(row));
  });

  router.get('/service-credentials', async (req, res) => {
    const query = validate(ListQuery, req.query);
    const page = await listServiceCredentials(ctx.prisma, principal(res).organizationId, {
      limit: query.limit ?? SERVICE_CREDENTIAL_PAGE.default,
      after: timeCursorPosition(query.cursor),
      vendor: query.vendor,
    });
    res.json({
      data: page.rows.map(serviceCredentialView),
      next_cursor: page.next ? timeCursorAfter(page.next) : null,
    });
  });

  router.get('/service-credentials/:id', async (req, res) => {
    res.json(serviceCredentialView(await find(principal(res).organizationId, req.params.id)));
  });

  router.patch('/service-credentials/:id', async (req, res) => {
    const existing = await find(principal(res).organizationId, req.params.id);
    const body = validate(UpdateBody, req.body);
    const data: Prisma.ServiceCredentialUpdateManyMutationInput = {};
    if (body.name !== undefined) data.name = body.name;
    if (body.base_url !== undefined) {
      const baseUrl = baseUrlOf(body.base_url);
      if (baseUrl !== existing.baseUrl) {
        // The stored key is never sent to a destination it was not given for.
        if (body.api_key === undefined) throw new ApiError('credentials_required', 'changing base_url requires api_key in the same request');
        await checkHost(baseUrl);
        data.baseUrl = baseUrl;
      }
    }
    if (body.api_key !== undefined) data.apiKeyCiphertext = sealServiceApiKey(ctx.secretKey, existing.id, body.api_key);
    const { count } = await ctx.prisma.serviceCredential.updateMany({ where: { id: existing.id, organizationId: existing.organizationId }, data });
    if (count === 0) throw notFound();
    res.json(serviceCredentialView(await find(existing.organizationId, existing.id)));
  });

  router.post('/service-credentials/:id/test', async (req, res) => {
    const row = await find(principal(res).organizationId, req.params.id);
    if (!isServiceVendor(row.vendor)) throw new ApiError('unknown_vendor', 'vendor is no longer supported');
    let apiKey: string | undefined;
    try {
      apiKey = openServiceApiKey(ctx.secretKey, row.id, row.apiKeyCiphertext);
    } catch (err) {
      ctx.logger.warn({ service_credential_id: row.id, err }, 'service credential unreadable');
    }
    const checkedAt = new Date();
    const result =
      apiKey === undefined
        ? UNREADABLE_SECRET
        : await VENDOR_CREDENTIAL_CHECKS[row.vendor]({
            apiKey,
            baseUrl: row.baseUrl,
            timeoutMs: ctx.config.providerTimeoutMs,
            addressPolicy: allowInsecure ? 'any' : 'public',
            resolveHost: ctx.resolveProviderHost,
          });
    ctx.logger.info({ service_credential_id: row.id, vendor: row.vendor, ok: result.ok, code: result.error?.code, status: result.status }, 'service credential tested');
    res.json(credentialTestView(result, checkedAt));
  });

  router.delete('/service-credentials/:id', async (req, res) => {
    const me = principal(res);
    const existing = await find(me.organizationId, req.params.id);
    const result = await deleteServiceCredentialUnlessUsed(ctx.prisma, me.organizationId, existing.id);
    if (!result.deleted) {
      if (result.usedByAgentUuid === null) throw notFound();
      throw new ApiError('service_credential_in_use', `service credential is used by agent ${result.usedByAgentUuid}: remove it from the agent's engine first`);
    }
    ctx.logger.info({ service_credential_id: existing.id, by_api_key_id: me.apiKeyId }, 'service credential deleted');
    res.status(204).end();
  });

  return router;
}

/** The request schemas, for the OpenAPI document. */
export { CreateBody as CreateServiceCredentialBody, ListQuery as ListServiceCredentialsQuery, UpdateBody as UpdateServiceCredentialBody };
