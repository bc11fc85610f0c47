/**
 * `@vr3/vad/testing`: the committed WAV fixtures, a helper that streams audio through a VAD in
 * 20 ms frames, and a scripted model-free VAD for turn-taking tests. Never import from production code.
 */
export { loadVadFixture, runVad, VAD_FIXTURES, VAD_FIXTURES_DIR, type VadFixture, type VadFixtureName } from './fixtures.ts';
export { createScriptedVad, type ScriptedVadOptions } from './scripted-vad.ts';
