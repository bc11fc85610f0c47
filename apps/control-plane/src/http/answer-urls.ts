/**
 * The answer URLs and stream URLs of an agent, per provider, on the product's public base URL: what
 * an integrator pastes into a provider's console (`answer_urls` and `stream_urls` of the agent API),
 * and the provider table `GET|POST /answer/{provider}/{agent_uuid}` serves.
 */
import { publicBasesOf } from '@vr3/env';
import { cloudonixAnswerUrl, exotelAnswerUrl, plivoAnswerUrl, twilioAnswerUrl, vobizAnswerUrl, type AnswerUrlSpec } from '@vr3/providers';
import { agentSampleRate } from './agent-audio.ts';

/** Path of the answer URLs, under `/api/v1`. */
export const ANSWER_PATH = '/answer';

/** Every provider with an answer URL, by name. */
export const ANSWER_URLS: Readonly<Record<string, AnswerUrlSpec>> = Object.freeze(
  Object.fromEntries([cloudonixAnswerUrl, exotelAnswerUrl, twilioAnswerUrl, vobizAnswerUrl, plivoAnswerUrl].map((spec) => [spec.provider, spec])),
);

/** The answer URL spec of `provider` (lower-cased), or undefined. */
export function answerUrlSpec(provider: string): AnswerUrlSpec | undefined {
  const name = provider.toLowerCase();
  return Object.hasOwn(ANSWER_URLS, name) ? ANSWER_URLS[name] : undefined;
}

/** An agent's ready-to-paste URLs per provider; both null while the public base URL is unknown. */
export interface AgentProviderUrls {
  /** `https://{host}/api/v1/answer/{provider}/{agent_uuid}` per provider. */
  answer_urls: Record<string, string> | null;
  /** The Agent Stream URL per provider, for consoles that take one directly (Exotel's Voicebot URL, a `<Stream>` of your own). */
  stream_urls: Record<string, string> | null;
}

/** The answer and stream URLs of agent `agentUuid` running `engine`, on `publicUrl`. */
export function agentProviderUrls(publicUrl: string | null, agentUuid: string, engine: unknown): AgentProviderUrls {
  if (publicUrl === null) return { answer_urls: null, stream_urls: null };
  const bases = publicBasesOf(publicUrl);
  const sampleRate = agentSampleRate(engine);
  const answer: Record<string, string> = {};
  const stream: Record<string, string> = {};
  for (const spec of Object.values(ANSWER_URLS)) {
    answer[spec.provider] = `${bases.http}/api/v1${ANSWER_PATH}/${spec.provider}/${encodeURIComponent(agentUuid)}`;
    stream[spec.provider] = spec.streamRequest({ streamBase: bases.stream, agentUuid, params: {}, sampleRate }).streamUrl;
  }
  return { answer_urls: answer, stream_urls: stream };
}
