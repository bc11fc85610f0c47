import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../crypto/api-keys.ts';
import { BootstrapError, BootstrapErrorCode } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from './prisma.ts';

/** Shortest API key {@link ensureBootstrap} accepts from the operator. */
export const MIN_BOOTSTRAP_API_KEY_LENGTH = 16;
/** Serializes bootstraps of concurrently starting replicas (transaction-scoped advisory lock). */
const BOOTSTRAP_LOCK_KEY = 72707370;

/** Options of {@link ensureBootstrap}. */
export interface BootstrapOptions {
  /** An operator-chosen API key (e.g. VR3_BOOTSTRAP_API_KEY) that must exist afterwards. */
  apiKey?: string;
}

/** The organization and admin user the bootstrap resolved, and the key it minted, if any. */
export interface BootstrapResult {
  organizationId: string;
  userId: string;
  /** Set only when this call created a random key (no key existed): print it once, it is not stored. */
  createdApiKey?: string;
}

/**
 * Makes a fresh database usable. With `apiKey`: ensures an organization, an admin user and that
 * key exist (idempotent; an existing key keeps its owner). Without: when no active API key exists
 * at all, mints one and returns it in `createdApiKey`; otherwise changes nothing.
 */
export async function ensureBootstrap(prisma: Db, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  const { apiKey } = options;
  if (apiKey !== undefined && (apiKey.length < MIN_BOOTSTRAP_API_KEY_LENGTH || /\s/.test(apiKey))) {
    throw new BootstrapError(BootstrapErrorCode.InvalidApiKey, `bootstrap API key must be at least ${MIN_BOOTSTRAP_API_KEY_LENGTH} characters without whitespace`);
  }
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY}::bigint)`;
    if (apiKey !== undefined) {
      const existing = await tx.apiKey.findUnique({ where: { hash: hashApiKey(apiKey) } });
      if (existing) return { organizationId: existing.organizationId, userId: existing.userId };
      const admin = await ensureAdmin(tx);
      await createKey(tx, admin, apiKey, 'bootstrap');
      return admin;
    }
    const active = await tx.apiKey.findFirst({ where: { revokedAt: null }, orderBy: { createdAt: 'asc' } });
    if (active) return { organizationId: active.organizationId, userId: active.userId };
    const admin = await ensureAdmin(tx);
    const createdApiKey = generateApiKey();
    await createKey(tx, admin, createdApiKey, 'generated at first start');
    return { ...admin, createdApiKey };
  });
}

async function ensureAdmin(tx: Prisma.TransactionClient): Promise<{ organizationId: string; userId: string }> {
  const admin = await tx.user.findFirst({ where: { role: 'admin' }, orderBy: { createdAt: 'asc' } });
  if (admin) return { organizationId: admin.organizationId, userId: admin.id };
  const organization =
    (await tx.organization.findFirst({ orderBy: { createdAt: 'asc' } })) ?? (await tx.organization.create({ data: { name: 'Default organization' } }));
  const user = await tx.user.create({ data: { organizationId: organization.id, name: 'Administrator', role: 'admin' } });
  return { organizationId: organization.id, userId: user.id };
}

async function createKey(tx: Prisma.TransactionClient, owner: { organizationId: string; userId: string }, key: string, name: string): Promise<void> {
  await tx.apiKey.create({
    data: { organizationId: owner.organizationId, userId: owner.userId, name, prefix: apiKeyDisplayPrefix(key), hash: hashApiKey(key) },
  });
}
