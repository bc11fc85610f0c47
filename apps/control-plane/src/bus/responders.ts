import { BusError, BusErrorCode, CONTROL_PLANE_QUEUE, StreamError, StreamErrorCode, Subjects, type Subscription } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { handleRunAction } from './action.ts';
import { handleStreamAdmit } from './admit.ts';
import { handleRunFinalize } from './finalize.ts';
import { handleRunEvents } from './run-events.ts';
import { handleRunStart } from './start.ts';
import { handleRunRecording } from '../recordings/responder.ts';

type Handler = (ctx: ControlPlaneContext, data: unknown) => Promise<unknown>;

/** The bus requests the control-plane answers, by subject. */
const RESPONDERS: ReadonlyArray<readonly [string, Handler]> = [
  [Subjects.StreamAdmit, handleStreamAdmit],
  [Subjects.RunStart, handleRunStart],
  [Subjects.RunFinalize, handleRunFinalize],
  [Subjects.RunAction, handleRunAction],
  [Subjects.RunEvents, handleRunEvents],
  [Subjects.RunRecording, handleRunRecording],
];

/**
 * A refusal that is the requester's fault, not a failure of this replica: a malformed message
 * (`bus_bad_message`) or text the database cannot store (`malformed_handshake`). Such a refusal
 * is logged at `warn` without a stack; anything else at `error` with its cause.
 */
export function isRequesterFault(err: unknown): err is BusError | StreamError {
  return (err instanceof BusError && err.code === BusErrorCode.BadMessage) || (err instanceof StreamError && err.code === StreamErrorCode.MalformedHandshake);
}

/** Live bus responders; `close()` unsubscribes and waits for requests being answered. */
export interface Responders {
  close(): Promise<void>;
}

/**
 * Subscribes every responder in the {@link CONTROL_PLANE_QUEUE} queue group, so each request
 * reaches one replica. A handler failure reaches the requester as `bus_remote_error` carrying its
 * code, and is logged once: at `warn` with its code and message when the requester is at fault
 * ({@link isRequesterFault}), else at `error` with its cause.
 */
export function startResponders(ctx: ControlPlaneContext): Responders {
  const inFlight = new Set<Promise<unknown>>();
  // `RunStart` also on this replica's own subject, outside the queue group: the runs it admitted.
  const own: ReadonlyArray<readonly [string, Handler, string | undefined]> = [[Subjects.runStartAt(ctx.replicaId), handleRunStart, undefined]];
  const all = [...RESPONDERS.map(([subject, handler]) => [subject, handler, CONTROL_PLANE_QUEUE] as const), ...own];
  const subscriptions: Subscription[] = all.map(([subject, handler, queue]) =>
    ctx.bus.respond(
      subject,
      (data) => {
        const task = handler(ctx, data).catch((err: unknown) => {
          if (isRequesterFault(err)) ctx.logger.warn({ subject, code: err.code, reason: err.message }, 'bus request refused');
          else ctx.logger.error({ err, subject }, 'bus request failed');
          throw err;
        });
        inFlight.add(task);
        void task.then(
          () => inFlight.delete(task),
          () => inFlight.delete(task),
        );
        return task;
      },
      queue === undefined ? {} : { queue },
    ),
  );
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        for (const sub of subscriptions) {
          try {
            sub.unsubscribe();
          } catch (err) {
            ctx.logger.warn({ err }, 'bus unsubscribe failed');
          }
        }
        await Promise.allSettled([...inFlight]);
      })();
      return closing;
    },
  };
}
