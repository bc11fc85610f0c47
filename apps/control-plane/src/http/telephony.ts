import { randomUUID } from 'node:crypto';
import { getProvider, PROVIDER_NAMES, type ProviderDescriptor } from '@vr3/providers';
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { Prisma, TelephonyConfiguration } from '../generated/prisma/client.ts';
import { openCredentials, sealCredentials, type StoredCredentials } from '../providers/credentials.ts';
import { configuredClientOptions } from '../providers/run-target.ts';
import { checkBaseUrl, checkBaseUrlHost } from './base-url.ts';
import { credentialTestView, UNREADABLE_SECRET } from './credential-test.ts';
import { nextCredentials, normalizeAccountField, parseConfigurationBody, requireCredentialsToMove } from './telephony-body.ts';
import { pageQuery, timeCursorAfter, timeCursorPosition } from './cursor.ts';
import { principal, validate } from './middleware.ts';
import { telephonyView } from './views.ts';

const ProviderOnly = z.object({ provider: z.string().min(1) });

/** Page size bounds of `GET /telephony-configurations`. */
export const TELEPHONY_PAGE = { default: 50, max: 200 } as const;

const ListQuery = pageQuery(TELEPHONY_PAGE.max).extend({
  provider: z.string().trim().toLowerCase().min(1).max(64).optional(),
});

function conflictOnDuplicate(err: unknown): never {
  if ((err as { code?: unknown }).code === 'P2002') throw new ApiError('configuration_exists', 'a configuration for this provider and account already exists');
  throw err;
}

/**
 * Telephony configurations: create, list (newest first, opaque cursor, `provider` filter), get, patch, delete. Each provider has its own account
 * field (`domain_id`, `account_sid`, `auth_id`) and write-only credential fields, sealed together
 * with AES-256-GCM; responses show only `has_credentials`. Unless `allowInsecureProviderUrls`, an
 * `api_base_url` other than the provider's default must be https and resolve to public addresses
 * only; moving stored credentials to another URL or account needs them in the same request.
 * `POST /telephony-configurations/{id}/test` checks the stored credentials with one authenticated read
 * of the provider's account at the configuration's base URL (the provider timeout bounds it).
 */
export function telephonyRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  const allowInsecure = ctx.config.allowInsecureProviderUrls;
  /** Canonical `api_base_url` (`null`/absent = the default), its host checked when the user chose it. */
  const apiBaseUrlOf = async (descriptor: ProviderDescriptor, value: string | null | undefined): Promise<string> => {
    const { defaultApiBaseUrl } = descriptor.telephony;
    const url = checkBaseUrl('api_base_url', value ?? defaultApiBaseUrl, allowInsecure);
    if (!allowInsecure && url !== defaultApiBaseUrl) {
      await checkBaseUrlHost('api_base_url', url, { resolveHost: ctx.resolveProviderHost, timeoutMs: ctx.config.providerTimeoutMs });
    }
    return url;
  };
  const find = async (organizationId: string, id: string): Promise<TelephonyConfiguration> => {
    const config = await ctx.prisma.telephonyConfiguration.findFirst({ where: { id, organizationId } });
    if (!config) throw new ApiError('telephony_configuration_not_found', 'telephony configuration not found');
    return config;
  };
  const seal = (id: string, credentials: StoredCredentials | null): string | null => (credentials ? sealCredentials(ctx.secretKey, id, credentials) : null);

  router.post('/telephony-configurations', async (req, res) => {
    const { provider } = validate(ProviderOnly, req.body);
    const descriptor = getProvider(provider);
    if (!descriptor) throw new ApiError('unknown_provider', `provider must be one of: ${PROVIDER_NAMES.join(', ')}`);
    const body = parseConfigurationBody(descriptor, req.body, true);
    const id = randomUUID();
    const credentials = nextCredentials(descriptor, null, body.secrets) ?? null;
    const domainId = normalizeAccountField(descriptor, body.account ?? '');
    const apiBaseUrl = await apiBaseUrlOf(descriptor, body.apiBaseUrl);
    const config = await ctx.prisma.telephonyConfiguration
      .create({
        data: {
          id,
          organizationId: principal(res).organizationId,
          provider,
          name: body.name ?? '',
          domainId,
          apiBaseUrl,
          settings: (body.settings ?? {}) as Prisma.InputJsonObject,
          credentialsCiphertext: seal(id, credentials),
        },
      })
      .catch(conflictOnDuplicate);
    res.status(201).json(telephonyView(config));
  });

  router.get('/telephony-configurations', async (req, res) => {
    const query = validate(ListQuery, req.query);
    const limit = query.limit ?? TELEPHONY_PAGE.default;
    const where: Prisma.TelephonyConfigurationWhereInput = { organizationId: principal(res).organizationId };
    if (query.provider !== undefined) where.provider = query.provider;
    const after = timeCursorPosition(query.cursor);
    if (after) where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }];
    const rows = await ctx.prisma.telephonyConfiguration.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    res.json({ data: page.map(telephonyView), next_cursor: rows.length > limit && last ? timeCursorAfter(last) : null });
  });

  router.get('/telephony-configurations/:id', async (req, res) => {
    res.json(telephonyView(await find(principal(res).organizationId, req.params.id)));
  });

  router.patch('/telephony-configurations/:id', async (req, res) => {
    const existing = await find(principal(res).organizationId, req.params.id);
    const descriptor = getProvider(existing.provider);
    if (!descriptor) throw new ApiError('unknown_provider', 'provider is no longer supported');
    const body = parseConfigurationBody(descriptor, req.body, false);
    const data: Prisma.TelephonyConfigurationUpdateInput = {};
    if (body.name !== undefined) data.name = body.name;
    const domainId = body.account === undefined ? existing.domainId : normalizeAccountField(descriptor, body.account);
    const apiBaseUrl = body.apiBaseUrl === undefined ? existing.apiBaseUrl : checkBaseUrl('api_base_url', body.apiBaseUrl ?? descriptor.telephony.defaultApiBaseUrl, allowInsecure);
    if (existing.credentialsCiphertext) {
      const changed = [...(domainId === existing.domainId ? [] : [descriptor.telephony.accountField]), ...(apiBaseUrl === existing.apiBaseUrl ? [] : ['api_base_url'])];
      requireCredentialsToMove(descriptor, changed, body.secrets);
    }
    if (body.account !== undefined) data.domainId = domainId;
    if (apiBaseUrl !== existing.apiBaseUrl) data.apiBaseUrl = await apiBaseUrlOf(descriptor, apiBaseUrl);
    if (body.settings !== undefined) data.settings = (body.settings ?? {}) as Prisma.InputJsonObject;
    if (Object.keys(body.secrets).length > 0) {
      const current = existing.credentialsCiphertext ? openCredentials(ctx.secretKey, existing.id, existing.credentialsCiphertext) : null;
      const credentials = nextCredentials(descriptor, current, body.secrets);
      if (credentials !== undefined) data.credentialsCiphertext = seal(existing.id, credentials);
    }
    const config = await ctx.prisma.telephonyConfiguration.update({ where: { id: existing.id }, data }).catch(conflictOnDuplicate);
    res.json(telephonyView(config));
  });

  router.post('/telephony-configurations/:id/test', async (req, res) => {
    const config = await find(principal(res).organizationId, req.params.id);
    const descriptor = getProvider(config.provider);
    if (!descriptor) throw new ApiError('unknown_provider', 'provider is no longer supported');
    if (!config.credentialsCiphertext) throw new ApiError('credentials_required', 'the configuration has no stored credentials to test');
    let client: ReturnType<typeof configuredClientOptions> | undefined;
    try {
      client = configuredClientOptions(ctx, config);
    } catch (err) {
      ctx.logger.warn({ telephony_configuration_id: config.id, err }, 'telephony credentials unreadable');
    }
    const checkedAt = new Date();
    const result = client === undefined ? UNREADABLE_SECRET : await descriptor.telephony.checkCredentials(client);
    ctx.logger.info({ telephony_configuration_id: config.id, provider: config.provider, ok: result.ok, code: result.error?.code, status: result.status }, 'telephony credentials tested');
    res.json(credentialTestView(result, checkedAt));
  });

  router.delete('/telephony-configurations/:id', async (req, res) => {
    const existing = await find(principal(res).organizationId, req.params.id);
    await ctx.prisma.telephonyConfiguration.delete({ where: { id: existing.id } });
    res.status(204).end();
  });

  return router;
}

/** The query schema, for the OpenAPI document. */
export { ListQuery as ListTelephonyQuery };
