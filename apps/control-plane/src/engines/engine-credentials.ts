import type { ResolvedCredential, ValidEngineConfig } from '@vr3/agent';
import { REALTIME_CREDENTIAL_SECTIONS, type RealtimeConfig } from '@vr3/engine-realtime/spec';
import { VOICE_CREDENTIAL_SECTIONS, type VoiceConfig } from '@vr3/engine-voice/spec';
import type { ControlPlaneContext } from '../context.ts';
import { findServiceCredentials, type ResolvedServiceCredential } from './service-credentials.ts';

/** Why an engine's credentials cannot be joined: codes and section names only, never ids' secrets. */
export const EngineCredentialFailure = {
  /** No credential of that id in the agent's organization (deleted, another organization's, never existed). */
  NotFound: 'credential_not_found',
  /** The credential is for another vendor than the section names. */
  VendorMismatch: 'credential_vendor_mismatch',
} as const;
/** One of {@link EngineCredentialFailure}. */
export type EngineCredentialFailure = (typeof EngineCredentialFailure)[keyof typeof EngineCredentialFailure];

/** What {@link joinEngineCredentials} answers. */
export type EngineCredentialJoin = { ok: true; engine: ValidEngineConfig } | { ok: false; failure: { err_code: EngineCredentialFailure; section: string } };

/** A section of an engine configuration that names a service credential, and the vendor it must be for. */
interface CredentialRef {
  section: string;
  credentialId: string;
  vendor: string;
}

/**
 * The engines whose configuration names service credentials, and where: the one table to extend
 * when an engine does. Engines absent from it pass through.
 */
const CREDENTIAL_REFS: Readonly<Record<string, (engine: ValidEngineConfig) => CredentialRef[]>> = {
  // The voice LLM is always OpenAI-compatible; STT and TTS name their vendor.
  voice: (engine) => {
    const config = engine as unknown as VoiceConfig;
    return VOICE_CREDENTIAL_SECTIONS.map((section) => ({
      section,
      credentialId: config[section].credential_id,
      vendor: section === 'llm' ? 'openai' : config[section].vendor,
    }));
  },
  realtime: (engine) => {
    const config = engine as unknown as RealtimeConfig;
    return REALTIME_CREDENTIAL_SECTIONS.map((section) => ({ section, credentialId: config[section].credential_id, vendor: config[section].vendor }));
  },
};

/**
 * For an engine that names service credentials (`voice`: `stt`, `llm`, `tts`; `realtime`: `llm`),
 * resolves them with one query (organization `organizationId` only) and joins `{api_key,
 * base_url, address_policy}` into each section: the configuration the edge receives, in memory
 * only (never stored, never logged). Other engines pass through. Throws `SecretError` when a key
 * cannot be opened.
 */
export async function joinEngineCredentials(
  ctx: Pick<ControlPlaneContext, 'pool' | 'secretKey' | 'config'>,
  organizationId: string,
  engine: ValidEngineConfig,
): Promise<EngineCredentialJoin> {
  const refsOf = Object.hasOwn(CREDENTIAL_REFS, engine.type) ? CREDENTIAL_REFS[engine.type] : undefined;
  if (refsOf === undefined) return { ok: true, engine };
  const refs = refsOf(engine);
  const found = await findServiceCredentials(
    ctx,
    organizationId,
    refs.map((r) => r.credentialId),
  );
  const joined: Record<string, unknown> = { ...engine };
  for (const ref of refs) {
    const credential: ResolvedServiceCredential | undefined = found.get(ref.credentialId);
    if (!credential) return { ok: false, failure: { err_code: EngineCredentialFailure.NotFound, section: ref.section } };
    if (credential.vendor !== ref.vendor) return { ok: false, failure: { err_code: EngineCredentialFailure.VendorMismatch, section: ref.section } };
    const resolved: ResolvedCredential = {
      api_key: credential.apiKey,
      base_url: credential.baseUrl,
      address_policy: ctx.config.allowInsecureProviderUrls ? 'any' : 'public',
    };
    joined[ref.section] = { ...(engine[ref.section] as Record<string, unknown>), ...resolved };
  }
  return { ok: true, engine: joined as ValidEngineConfig };
}
