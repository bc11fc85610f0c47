/** Test helpers for engine packages: a recording {@link AgentIO} and a session context. */
export { RecordingIO, RecordingLogger, testCallInfo, testSessionContext } from './recording-io.ts';
