/**
 * The `voice` engine: speech to text, an LLM and text to speech on each call, with barge-in that
 * knows what the caller heard. These are its vendor-free building blocks.
 */
export { renderTemplate, type RenderedTemplate } from './template.ts';
export { SentenceChunker } from './sentences.ts';
export { heardText, characterTimings, wordTimings, type HeardText, type SpokenSegment, type TextTiming } from './heard-text.ts';
export { BargeIn, DEFAULT_BARGE_IN, type BargeInAction, type BargeInOptions } from './barge-in.ts';
