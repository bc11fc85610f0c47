/** Test helpers for engine packages: a recording {@link AgentIO}, a session context and a clock moved by hand. */
export { RecordingIO, RecordingLogger, testCallInfo, testSessionContext } from './recording-io.ts';
export { ManualClock } from './manual-clock.ts';
