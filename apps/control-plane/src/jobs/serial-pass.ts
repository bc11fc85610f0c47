/**
 * Runs a pass (an outbox relay, a sweep) one at a time: a request while one runs is answered with
 * the running pass and schedules exactly one more right after it, unless the owner has stopped.
 * A failing pass is reported to `onError` and counts 0.
 */
export class SerialPass {
  private running: Promise<number> | undefined;
  private again = false;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly onError: (err: unknown) => void,
    private readonly stopped: () => boolean,
  ) {}

  /** The pass in progress, if any (to wait for at close). */
  get current(): Promise<number> | undefined {
    return this.running;
  }

  run(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch((err: unknown) => {
        this.onError(err);
        return 0;
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped()) {
          this.again = false;
          void this.run();
        }
      });
    return this.running;
  }
}
