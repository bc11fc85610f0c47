import { CONTROL_PLANE_QUEUE, Subjects, type Subscription } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { handleRunAction } from './action.ts';
import { handleStreamAdmit } from './admit.ts';
import { handleRunFinalize } from './finalize.ts';
import { handleRunEvents } from './run-events.ts';
import { handleRunStart } from './start.ts';

type Handler = (ctx: ControlPlaneContext, data: unknown) => Promise<unknown>;

/** The bus requests the control-plane answers, by subject. */
const RESPONDERS: ReadonlyArray<readonly [string, Handler]> = [
  [Subjects.StreamAdmit, handleStreamAdmit],
  [Subjects.RunStart, handleRunStart],
  [Subjects.RunFinalize, handleRunFinalize],
  [Subjects.RunAction, handleRunAction],
  [Subjects.RunEvents, handleRunEvents],
];

/** Live bus responders; `close()` unsubscribes and waits for requests being answered. */
export interface Responders {
  close(): Promise<void>;
}

/**
 * Subscribes every responder in the {@link CONTROL_PLANE_QUEUE} queue group, so each request
 * reaches one replica. A handler failure is logged with its cause and reaches the requester as
 * `bus_remote_error` (the edge then closes with a server error).
 */
export function startResponders(ctx: ControlPlaneContext): Responders {
  const inFlight = new Set<Promise<unknown>>();
  const subscriptions: Subscription[] = RESPONDERS.map(([subject, handler]) =>
    ctx.bus.respond(
      subject,
      (data) => {
        const task = handler(ctx, data).catch((err: unknown) => {
          ctx.logger.error({ err, subject }, 'bus request failed');
          throw err;
        });
        inFlight.add(task);
        void task.then(
          () => inFlight.delete(task),
          () => inFlight.delete(task),
        );
        return task;
      },
      { queue: CONTROL_PLANE_QUEUE },
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
