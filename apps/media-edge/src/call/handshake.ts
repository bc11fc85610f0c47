import { findUnsafeText, type CallEvent, type StartEvent } from '@vr3/protocol';
import type { StreamAdapter } from '@vr3/providers';

/** Result of feeding one frame to a {@link HandshakeGate}. */
export type HandshakeStep =
  | { readonly kind: 'wait' }
  | { readonly kind: 'start'; readonly start: StartEvent }
  | { readonly kind: 'malformed'; readonly detail: string };

const WAIT: HandshakeStep = { kind: 'wait' };

/**
 * Checks the provider's opening frames against its adapter's handshake order:
 * `connected-then-start` wants exactly one `connected` and then `start`; `start-first` wants `start`.
 * Frames the adapter ignores (unknown events) are tolerated up to `maxIgnored`; anything else before
 * `start` — media, dtmf, stop, a second `connected`, a frame the adapter rejects — is malformed.
 * So is a `start` carrying NUL or an unpaired UTF-16 surrogate in any id, number, custom parameter
 * or metadata string or key (text the database cannot store), and a `start` naming neither a call
 * nor a session id (nothing to validate the call with): every provider's `start` passes here.
 * Pure: no I/O, no timers.
 */
export class HandshakeGate {
  private connected = false;
  private ignored = 0;
  private startEvent: StartEvent | null = null;

  constructor(
    private readonly adapter: StreamAdapter,
    private readonly maxIgnored: number,
  ) {}

  /** The accepted `start`, once it arrived. */
  get started(): StartEvent | null {
    return this.startEvent;
  }

  feed(data: Buffer | string, isBinary: boolean): HandshakeStep {
    let event: CallEvent | null;
    try {
      event = this.adapter.parse(data, isBinary);
    } catch {
      return { kind: 'malformed', detail: 'unparseable frame' };
    }
    return this.accept(event);
  }

  private accept(event: CallEvent | null): HandshakeStep {
    if (this.startEvent) return { kind: 'malformed', detail: 'handshake already complete' };
    if (event === null || (event.type === 'connected' && this.adapter.handshake === 'start-first')) {
      this.ignored++;
      return this.ignored > this.maxIgnored ? { kind: 'malformed', detail: 'too many frames before start' } : WAIT;
    }
    switch (event.type) {
      case 'connected':
        if (this.connected) return { kind: 'malformed', detail: 'duplicate connected' };
        this.connected = true;
        return WAIT;
      case 'start': {
        if (this.adapter.handshake === 'connected-then-start' && !this.connected) return { kind: 'malformed', detail: 'start before connected' };
        // The field, never the value: `metadata`, `customParameters`, `from`, …
        const unsafe = findUnsafeText(event);
        if (unsafe) return { kind: 'malformed', detail: `unsafe text in start.${String(unsafe.path[0] ?? '')}` };
        // Validation, hangup and transfer all name the call: a `start` without its id is refused
        // here, before the control-plane or the provider is asked anything.
        if (event.callId === undefined && event.sessionId === undefined) return { kind: 'malformed', detail: 'start without call or session id' };
        this.startEvent = event;
        return { kind: 'start', start: event };
      }
      case 'media':
      case 'dtmf':
      case 'mark':
      case 'cleared':
      case 'stop':
        return { kind: 'malformed', detail: `${event.type} before start` };
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }
}
