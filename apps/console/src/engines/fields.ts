/**
 * The form of each engine's configuration: one entry per field, by its path in the configuration
 * (`stt.model`). The server's engine catalog validates; these only lay the fields out, so a field
 * the form does not know is still shown and kept (as JSON, see `engine-form.tsx`).
 */

/** How a field is entered. */
export type FieldKind =
  /** One line of text. */
  | 'text'
  /** Several lines of text. */
  | 'textarea'
  /** A number (sent as a JSON number). */
  | 'number'
  /** One of `options` (the empty choice leaves the field out). */
  | 'select'
  /** On, off, or left out (the engine's default). */
  | 'boolean'
  /** The id of a service credential of the organization. */
  | 'credential'
  /** A JSON object (tools, headers, custom parameters). */
  | 'json';

/** One field of an engine's form. */
export interface EngineField {
  path: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  /** Written only: its values never come back (`engine_secrets_set` says which are set). */
  secret?: boolean;
  hint?: string;
}

const SAMPLE_RATES = ['8000', '16000', '24000', '48000'] as const;
const LANGUAGE_HINT = 'ISO-639 code: en, pt-BR';

const silence: EngineField[] = [
  { path: 'silence.reprompt_after_s', label: 'Reprompt after silence (s)', kind: 'number' },
  { path: 'silence.reprompt', label: 'Reprompt', kind: 'text' },
  { path: 'silence.hangup_after_s', label: 'Hang up after silence (s)', kind: 'number' },
  { path: 'silence.goodbye', label: 'Goodbye', kind: 'text' },
];

const speaking: EngineField[] = [
  { path: 'prompt', label: 'Prompt', kind: 'textarea', hint: 'takes {{caller_number}}, {{called_number}} and initial_context keys' },
  { path: 'greeting', label: 'Greeting', kind: 'text' },
  { path: 'tools', label: 'Tools', kind: 'json', secret: true, hint: 'JSON: {"end_call": {"type": "end_call"}, …}; header values are write-only' },
  ...silence,
  { path: 'interruption.enabled', label: 'Caller may interrupt', kind: 'boolean' },
  { path: 'interruption.min_duration_ms', label: 'Interruption after (ms)', kind: 'number' },
  { path: 'endpointing.silence_ms', label: 'End of turn after silence (ms)', kind: 'number' },
  { path: 'max_duration_s', label: 'Maximum call duration (s)', kind: 'number' },
  { path: 'language', label: 'Language', kind: 'text', hint: LANGUAGE_HINT },
];

/** The form of each engine type the product ships, in the order the picker offers them. */
export const ENGINE_FIELDS: Readonly<Record<string, readonly EngineField[]>> = {
  voice: [
    { path: 'stt.vendor', label: 'STT vendor', kind: 'select', options: ['openai', 'deepgram'] },
    { path: 'stt.credential_id', label: 'STT credential', kind: 'credential' },
    { path: 'stt.model', label: 'STT model', kind: 'text', hint: 'whisper-1, nova-3' },
    { path: 'stt.language', label: 'STT language', kind: 'text', hint: LANGUAGE_HINT },
    { path: 'llm.credential_id', label: 'LLM credential', kind: 'credential' },
    { path: 'llm.model', label: 'LLM model', kind: 'text' },
    { path: 'llm.temperature', label: 'LLM temperature', kind: 'number' },
    { path: 'llm.max_tokens', label: 'LLM max tokens', kind: 'number' },
    { path: 'tts.vendor', label: 'TTS vendor', kind: 'select', options: ['openai', 'elevenlabs', 'cartesia'] },
    { path: 'tts.credential_id', label: 'TTS credential', kind: 'credential' },
    { path: 'tts.model', label: 'TTS model', kind: 'text' },
    { path: 'tts.voice', label: 'TTS voice', kind: 'text' },
    { path: 'vad.engine', label: 'VAD', kind: 'select', options: ['silero', 'webrtc'] },
    { path: 'vad.threshold', label: 'VAD threshold', kind: 'number' },
    { path: 'vad.min_silence_ms', label: 'VAD silence (ms)', kind: 'number' },
    ...speaking,
  ],
  realtime: [
    { path: 'llm.vendor', label: 'Vendor', kind: 'select', options: ['openai'] },
    { path: 'llm.credential_id', label: 'Credential', kind: 'credential' },
    { path: 'llm.model', label: 'Model', kind: 'text', hint: 'gpt-realtime' },
    { path: 'llm.voice', label: 'Voice', kind: 'text', hint: 'marin, cedar, alloy' },
    { path: 'vad.threshold', label: 'VAD threshold (0–1)', kind: 'number' },
    { path: 'vad.prefix_padding_ms', label: 'VAD prefix padding (ms)', kind: 'number' },
    { path: 'transcription.model', label: 'Transcription model', kind: 'text' },
    ...speaking,
  ],
  bridge: [
    { path: 'url', label: 'Bot WebSocket URL', kind: 'text', hint: 'wss://bot.example.com/media' },
    { path: 'protocol', label: 'Protocol', kind: 'select', options: ['twilio', 'cloudonix', 'exotel', 'vobiz', 'plivo', 'vr3'] },
    { path: 'sample_rate', label: 'Sample rate', kind: 'select', options: SAMPLE_RATES },
    { path: 'encoding', label: 'Encoding (vobiz, plivo)', kind: 'select', options: ['mulaw', 'l16'] },
    { path: 'headers', label: 'Headers', kind: 'json', secret: true, hint: 'JSON: {"Authorization": "Bearer …"}; values are write-only' },
    { path: 'connect_timeout_ms', label: 'Connect timeout (ms)', kind: 'number' },
    { path: 'custom_parameters', label: 'Custom parameters', kind: 'json' },
  ],
  echo: [
    { path: 'hangup_dtmf', label: 'Hang up on key', kind: 'text', hint: '0-9, *, #, A-D' },
    { path: 'sample_rate', label: 'Sample rate', kind: 'select', options: SAMPLE_RATES },
  ],
};

/** The engine types the form knows. */
export const ENGINE_TYPES = Object.keys(ENGINE_FIELDS);

/** Fields whose value is a number though a select offers it (`sample_rate`). */
export const NUMERIC_SELECTS: ReadonlySet<string> = new Set(['sample_rate']);
