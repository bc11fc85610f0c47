import { useState } from 'preact/hooks';
import { errorText } from '../error-message.tsx';
import type { CredentialTestResult } from '../types.ts';

type TestState = { kind: 'idle' } | { kind: 'testing' } | { kind: 'done'; result: CredentialTestResult } | { kind: 'failed'; error: unknown };

/** What a finished test says: "OK · 123 ms", or why the provider or vendor refused or could not be reached. */
export function testResultText(result: CredentialTestResult): string {
  if (result.ok) return `OK · ${result.latency_ms} ms`;
  return result.error ? `${result.error.message} (${result.error.code})` : `failed (HTTP ${result.status ?? '?'})`;
}

/**
 * "Test": checks stored credentials against the provider or vendor (`run`: the API's test route) and
 * shows the outcome beside the button in a `role="status"` element.
 */
export function TestButton({ run, disabled, title }: { run: () => Promise<CredentialTestResult>; disabled?: boolean; title?: string }) {
  const [state, setState] = useState<TestState>({ kind: 'idle' });
  const test = async () => {
    setState({ kind: 'testing' });
    try {
      setState({ kind: 'done', result: await run() });
    } catch (err) {
      setState({ kind: 'failed', error: err });
    }
  };
  const failed = state.kind === 'failed' || (state.kind === 'done' && !state.result.ok);
  return (
    <>
      <button type="button" class="small" disabled={disabled || state.kind === 'testing'} title={title} onClick={() => void test()}>
        Test
      </button>{' '}
      {state.kind === 'idle' ? null : (
        <span role="status" data-testid="test-result" class={failed ? 'test-result error' : 'test-result muted'}>
          {state.kind === 'testing' ? 'Testing…' : state.kind === 'done' ? testResultText(state.result) : errorText(state.error)}
        </span>
      )}
    </>
  );
}
