/**
 * Request bodies of the telephony-configuration routes, per provider: the account field, the
 * write-only credential fields, `api_base_url` (checked by `base-url.ts`) and `settings`, and the
 * rule that moving stored credentials needs them re-entered.
 */
import { ProviderConfigError, resolveProviderSettings } from '@vr3/providers';
import type { ProviderDescriptor, ProviderSettings } from '@vr3/providers';
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import type { StoredCredentials } from '../providers/credentials.ts';
import { validate } from './middleware.ts';

const Name = z.string().trim().min(1).max(200);
const Secret = z.string().max(4096).nullable();
const BaseUrl = z.string().max(2048).nullable();
const Settings = z.record(z.string(), z.unknown()).nullable();

/** A validated create or update body. */
export interface ConfigurationBody {
  name?: string;
  account?: string;
  /** Credential fields present in the body (`null`/`''` = clear). */
  secrets: Record<string, string | null>;
  apiBaseUrl?: string | null;
  settings?: ProviderSettings | null;
}

/** The strict body schema of `descriptor`'s provider; `create` requires the name and the account field. */
export function configurationBodySchema(descriptor: ProviderDescriptor, create: boolean) {
  const shape: Record<string, z.ZodType> = {
    name: create ? Name : Name.optional(),
    [descriptor.telephony.accountField]: create ? z.string() : z.string().optional(),
    api_base_url: BaseUrl.optional(),
    settings: Settings.optional(),
  };
  if (create) shape['provider'] = z.string();
  for (const field of descriptor.telephony.credentialFields) shape[field] = Secret.optional();
  return z.strictObject(shape);
}

/** Validates a create (`create: true`) or update body for `descriptor`'s provider. */
export function parseConfigurationBody(descriptor: ProviderDescriptor, body: unknown, create: boolean): ConfigurationBody {
  const parsed = validate(configurationBodySchema(descriptor, create), body) as Record<string, unknown>;
  const out: ConfigurationBody = { secrets: {} };
  if (typeof parsed['name'] === 'string') out.name = parsed['name'];
  const account = parsed[descriptor.telephony.accountField];
  if (typeof account === 'string') out.account = account;
  for (const field of descriptor.telephony.credentialFields) {
    const v = parsed[field];
    if (v !== undefined) out.secrets[field] = v as string | null;
  }
  if (parsed['api_base_url'] !== undefined) out.apiBaseUrl = parsed['api_base_url'] as string | null;
  if (parsed['settings'] !== undefined) {
    try {
      out.settings = parsed['settings'] === null ? null : resolveProviderSettings(descriptor, parsed['settings']);
    } catch (err) {
      if (err instanceof ProviderConfigError) throw new ApiError('validation_failed', err.message);
      throw err;
    }
  }
  return out;
}

/** Canonical account id; a 422 naming the field when invalid. */
export function normalizeAccountField(descriptor: ProviderDescriptor, value: string): string {
  const field = descriptor.telephony.accountField;
  try {
    return descriptor.telephony.normalizeAccount(value);
  } catch (err) {
    if (err instanceof ProviderConfigError && err.code === 'invalid_domain') throw new ApiError('invalid_domain', `${field} is not a valid domain`);
    throw new ApiError('invalid_account_id', `${field} is not a valid account id`);
  }
}

/**
 * The credentials to store after applying `secrets` to `existing` (decrypted; `null` when none):
 * - no credential field in the body → `undefined` (leave as is);
 * - any field `null` or `''` → `null` (credentials cleared; a configuration never holds a partial set);
 * - otherwise the merge, which must then hold every field of the provider (else 400).
 */
export function nextCredentials(descriptor: ProviderDescriptor, existing: StoredCredentials | null, secrets: Record<string, string | null>): StoredCredentials | null | undefined {
  const given = Object.entries(secrets);
  if (given.length === 0) return undefined;
  if (given.some(([, v]) => v === null || v === '')) return null;
  const merged: Record<string, string> = { ...existing, ...(Object.fromEntries(given) as Record<string, string>) };
  const missing = descriptor.telephony.credentialFields.filter((f) => !merged[f]);
  if (missing.length > 0) throw new ApiError('validation_failed', `credentials need ${descriptor.telephony.credentialFields.join(' and ')}`);
  return Object.fromEntries(descriptor.telephony.credentialFields.map((f) => [f, merged[f]!]));
}

/**
 * Refuses (422 `credentials_required`) a change of `changed` (`api_base_url`, the account field) on
 * a configuration holding credentials unless this request re-enters every credential field or
 * clears them: stored secrets are never sent to a destination or account they were not given for.
 */
export function requireCredentialsToMove(descriptor: ProviderDescriptor, changed: readonly string[], secrets: Readonly<Record<string, string | null>>): void {
  if (changed.length === 0) return;
  const given = Object.values(secrets);
  if (given.some((v) => v === null || v === '')) return;
  if (descriptor.telephony.credentialFields.every((f) => typeof secrets[f] === 'string' && secrets[f] !== '')) return;
  throw new ApiError('credentials_required', `changing ${changed.join(' and ')} requires ${descriptor.telephony.credentialFields.join(' and ')} in the same request`);
}
