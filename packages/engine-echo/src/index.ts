/** `@vr3/engine-echo`: the `echo` agent engine (diagnostics and benchmarks). */
export { createEchoEngine, type EchoEngineOptions } from './echo.ts';
export { echoEngineSpec, EchoConfigSchema, ECHO_SAMPLE_RATES, type EchoConfig } from './spec.ts';
