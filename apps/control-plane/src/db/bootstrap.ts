import { hashApiKey } from '../crypto/api-keys.ts';
import { BootstrapError, BootstrapErrorCode } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { createApiKey } from './api-keys.ts';
import type { Db } from './prisma.ts';

/** Shortest API key {@link ensureBootstrap} accepts from the operator. */
export const MIN_BOOTSTRAP_API_KEY_LENGTH = 16;
/** Serializes bootstraps of concurrently starting replicas (transaction-scoped advisory lock). */
const BOOTSTRAP_LOCK_KEY = 72707370;

/** Options of {@link ensureBootstrap}. */
export interface BootstrapOptions {
  /** An operator-chosen API key (e.g. VR3_BOOTSTRAP_API_KEY) that must exist afterwards. */
  apiKey?: string;
  /**
   * Shows a key minted by this call (print it): called inside the bootstrap's transaction, which
   * commits only once it returned. If it throws, or the process dies first, nothing is stored and
   * the next call mints (and shows) a key again: a first start that fails never swallows the key.
   */
  reveal?: (key: string) => void | Promise<void>;
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
 * admin key exist (idempotent; an existing key keeps its owner and role). Without: when no usable
 * API key exists at all (none, or all revoked or expired), mints an admin key, hands it to `reveal`
 * before committing and returns it in `createdApiKey`; otherwise changes nothing.
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
      await createApiKey(tx, { ...admin, name: 'bootstrap', role: 'admin' }, apiKey);
      return admin;
    }
    const active = await tx.apiKey.findFirst({
      where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      orderBy: { createdAt: 'asc' },
    });
    if (active) return { organizationId: active.organizationId, userId: active.userId };
    const admin = await ensureAdmin(tx);
    const { key } = await createApiKey(tx, { ...admin, name: 'generated at first start', role: 'admin' });
    await options.reveal?.(key);
    return { ...admin, createdApiKey: key };
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
