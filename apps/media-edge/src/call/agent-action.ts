import type { Logger } from 'pino';
import type { ControlPlaneClient } from './control-plane.ts';
import type { MediaSession } from './media-session.ts';

/** Options of {@link playOutThenAct}. */
export interface AgentActionOptions {
  controlPlane: ControlPlaneClient;
  media: MediaSession | null;
  runId: string;
  action: 'hangup' | 'transfer';
  /** Transfer target (provider-specific), for `transfer`. */
  target?: string | undefined;
  /** Longest wait for queued audio to play out. */
  drainTimeoutMs: number;
  log: Logger;
  /** True once the call ended some other way meanwhile: stop there. */
  ended: () => boolean;
}

/**
 * The agent leaves the call: let queued audio play out, then ask the control-plane to run the
 * provider action (it holds the credentials). Resolves true when the call should now end, false
 * when it ended meanwhile or the action failed in a way that keeps the call (a refused transfer).
 * A failed hangup still ends the stream: the control-plane's reaper and the provider do the rest.
 */
export async function playOutThenAct(o: AgentActionOptions): Promise<boolean> {
  await o.media?.drain(o.drainTimeoutMs);
  if (o.ended()) return false;
  let ok = false;
  try {
    const res = await o.controlPlane.action(o.runId, o.action, o.action === 'transfer' ? o.target : undefined);
    ok = res.ok;
    if (!res.ok) o.log.warn({ action: o.action, code: res.error.code }, 'provider action refused');
  } catch (err) {
    o.log.warn({ err, action: o.action }, 'provider action failed');
  }
  if (o.ended()) return false;
  return ok || o.action === 'hangup';
}
