import { createApiKey } from '../db/api-keys.ts';
import type { Db } from '../db/prisma.ts';
import { OperatorError, OperatorErrorCode } from '../errors.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** An admin key an operator command minted: print `apiKey` once, only its hash is stored. */
export interface MintedAdminKey {
  organizationId: string;
  organizationName: string;
  userId: string;
  apiKeyId: string;
  apiKey: string;
}

/** Input of {@link createOrganization}. */
export interface CreateOrganizationInput {
  name: string;
  /** The first admin's email (unique across organizations). */
  adminEmail: string;
  /** Default: the email. */
  adminName?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Creates an organization, its first admin user and that admin's first API key, in one transaction.
 * `email_taken` when a user already has `adminEmail`.
 */
export async function createOrganization(db: Db, input: CreateOrganizationInput): Promise<MintedAdminKey> {
  const name = input.name.trim();
  const email = input.adminEmail.trim().toLowerCase();
  if (!name || name.length > 200) throw new OperatorError(OperatorErrorCode.InvalidArgument, 'organization name must be 1 to 200 characters');
  if (!EMAIL.test(email)) throw new OperatorError(OperatorErrorCode.InvalidArgument, 'admin email is not an email address');
  try {
    return await db.$transaction(async (tx) => {
      const organization = await tx.organization.create({ data: { name } });
      const user = await tx.user.create({ data: { organizationId: organization.id, email, name: input.adminName?.trim() || email, role: 'admin' } });
      const { row, key } = await createApiKey(tx, { organizationId: organization.id, userId: user.id, name: 'first admin key', role: 'admin' });
      return { organizationId: organization.id, organizationName: organization.name, userId: user.id, apiKeyId: row.id, apiKey: key };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      throw new OperatorError(OperatorErrorCode.EmailTaken, 'a user with this email already exists', { cause: err });
    }
    throw err;
  }
}

/** Input of {@link mintAdminKey}. */
export interface MintAdminKeyInput {
  /** Organization id or exact name; may be omitted when the database holds exactly one organization. */
  organization?: string;
}

/**
 * Recovery: a new admin API key for an organization (its earliest admin user; one is created when it
 * has none). Other keys are left as they are: revoke lost ones with the new key (`DELETE /api-keys/{id}`).
 */
export async function mintAdminKey(db: Db, input: MintAdminKeyInput = {}): Promise<MintedAdminKey> {
  return db.$transaction(async (tx) => {
    const organization = await findOrganization(tx, input.organization);
    const admin =
      (await tx.user.findFirst({ where: { organizationId: organization.id, role: 'admin' }, orderBy: { createdAt: 'asc' } })) ??
      (await tx.user.create({ data: { organizationId: organization.id, name: 'Administrator', role: 'admin' } }));
    const { row, key } = await createApiKey(tx, {
      organizationId: organization.id,
      userId: admin.id,
      name: `recovery ${new Date().toISOString()}`,
      role: 'admin',
    });
    return { organizationId: organization.id, organizationName: organization.name, userId: admin.id, apiKeyId: row.id, apiKey: key };
  });
}

async function findOrganization(tx: Prisma.TransactionClient, ref: string | undefined): Promise<{ id: string; name: string }> {
  if (ref === undefined) {
    const all = await tx.organization.findMany({ select: { id: true, name: true }, orderBy: { createdAt: 'asc' }, take: 2 });
    if (all.length === 1) return all[0]!;
    throw new OperatorError(
      OperatorErrorCode.OrganizationAmbiguous,
      all.length === 0 ? 'there is no organization yet: create one with create-org' : 'there are several organizations: name one with --org <id or name>',
    );
  }
  const byId = await tx.organization.findUnique({ where: { id: ref }, select: { id: true, name: true } });
  if (byId) return byId;
  const byName = await tx.organization.findMany({ where: { name: ref }, select: { id: true, name: true }, take: 2 });
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new OperatorError(OperatorErrorCode.OrganizationAmbiguous, 'several organizations have this name: pass its id');
  throw new OperatorError(OperatorErrorCode.OrganizationNotFound, 'no organization has this id or name');
}

/** The organizations, oldest first: what `list-orgs` prints. */
export function listOrganizations(db: Db): Promise<Array<{ id: string; name: string; createdAt: Date }>> {
  return db.organization.findMany({ select: { id: true, name: true, createdAt: true }, orderBy: { createdAt: 'asc' } });
}
