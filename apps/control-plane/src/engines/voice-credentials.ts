import type { ValidEngineConfig } from '@vr3/agent';
import { VOICE_CREDENTIAL_SECTIONS, type ResolvedCredential, type VoiceConfig, type VoiceCredentialSection } from '@vr3/engine-voice/spec';
import type { ControlPlaneContext } from '../context.ts';
import { findServiceCredentials, type ResolvedServiceCredential } from './service-credentials.ts';

/** Why a voice engine's credentials cannot be joined: codes and section names only, never ids' secrets. */
export const VoiceCredentialFailure = {
  /** No credential of that id in the agent's organization (deleted, another organization's, never existed). */
  NotFound: 'credential_not_found',
  /** The credential is for another vendor than the section names. */
  VendorMismatch: 'credential_vendor_mismatch',
} as const;
/** One of {@link VoiceCredentialFailure}. */
export type VoiceCredentialFailure = (typeof VoiceCredentialFailure)[keyof typeof VoiceCredentialFailure];

/** What {@link joinVoiceCredentials} answers. */
export type VoiceCredentialJoin =
  | { ok: true; engine: ValidEngineConfig }
  | { ok: false; failure: { err_code: VoiceCredentialFailure; section: VoiceCredentialSection } };

/** The vendor a section's credential must be for (the LLM is always OpenAI-compatible). */
function vendorWanted(config: VoiceConfig, section: VoiceCredentialSection): string {
  return section === 'llm' ? 'openai' : config[section].vendor;
}

/**
 * For a `voice` engine, resolves the `credential_id` of its `stt`, `llm` and `tts` sections with
 * one query (organization `organizationId` only) and joins `{api_key, base_url, address_policy}`
 * into each section: the configuration the edge receives, in memory only (never stored, never
 * logged). Other engines pass through. Throws `SecretError` when a key cannot be opened.
 */
export async function joinVoiceCredentials(
  ctx: Pick<ControlPlaneContext, 'pool' | 'secretKey' | 'config'>,
  organizationId: string,
  engine: ValidEngineConfig,
): Promise<VoiceCredentialJoin> {
  if (engine.type !== 'voice') return { ok: true, engine };
  const config = engine as unknown as VoiceConfig;
  const found = await findServiceCredentials(ctx, organizationId, VOICE_CREDENTIAL_SECTIONS.map((s) => config[s].credential_id));
  const joined: Record<string, unknown> = { ...config };
  for (const section of VOICE_CREDENTIAL_SECTIONS) {
    const credential: ResolvedServiceCredential | undefined = found.get(config[section].credential_id);
    if (!credential) return { ok: false, failure: { err_code: VoiceCredentialFailure.NotFound, section } };
    if (credential.vendor !== vendorWanted(config, section)) return { ok: false, failure: { err_code: VoiceCredentialFailure.VendorMismatch, section } };
    const resolved: ResolvedCredential = {
      api_key: credential.apiKey,
      base_url: credential.baseUrl,
      address_policy: ctx.config.allowInsecureProviderUrls ? 'any' : 'public',
    };
    joined[section] = { ...config[section], ...resolved };
  }
  return { ok: true, engine: joined as ValidEngineConfig };
}
