/**
 * Clients for the voice vendors' wire formats — OpenAI-compatible chat completions,
 * transcriptions and speech, OpenAI Realtime, Deepgram live, ElevenLabs and Cartesia streaming —
 * one module per vendor; the only place in the product that knows their protocols.
 */
export {};
