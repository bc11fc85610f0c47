import type { Subscription } from './bus.ts';

/** A handler registered on a subject pattern, with its queue group. */
export interface SubjectEntry<H> {
  readonly handler: H;
  readonly queue: string | undefined;
}

/** Whether `pattern` (an exact subject or one ending in the `.>` wildcard) covers `subject`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  return pattern === subject || (pattern.endsWith('.>') && subject.startsWith(pattern.slice(0, -1)));
}

/**
 * The handlers of one bus side by subject pattern: which of them a message on a subject reaches
 * (every handler without a queue group, one member of each group, round-robin).
 */
export class SubjectTable<H> {
  readonly #entries = new Map<string, SubjectEntry<H>[]>();
  readonly #cursors = new Map<string, number>();

  /** Registers `handler` on `pattern`; the subscription removes it again. */
  add(pattern: string, handler: H, queue: string | undefined): Subscription {
    const entry: SubjectEntry<H> = { handler, queue };
    this.#entries.set(pattern, [...(this.#entries.get(pattern) ?? []), entry]);
    return {
      unsubscribe: () => {
        const current = this.#entries.get(pattern);
        if (!current) return;
        const next = current.filter((e) => e !== entry);
        if (next.length === 0) this.#entries.delete(pattern);
        else this.#entries.set(pattern, next);
      },
    };
  }

  /** The handlers a message on `subject` is delivered to. */
  match(subject: string): H[] {
    const out: H[] = [];
    for (const [pattern, entries] of this.#entries) {
      if (subjectMatches(pattern, subject)) out.push(...this.#pick(pattern, entries));
    }
    return out;
  }

  clear(): void {
    this.#entries.clear();
  }

  #pick(pattern: string, entries: SubjectEntry<H>[]): H[] {
    const out: H[] = [];
    const groups = new Map<string, SubjectEntry<H>[]>();
    for (const e of entries) {
      if (e.queue === undefined) out.push(e.handler);
      else groups.set(e.queue, [...(groups.get(e.queue) ?? []), e]);
    }
    for (const [queue, members] of groups) {
      const key = `${pattern}\u0000${queue}`;
      const n = this.#cursors.get(key) ?? 0;
      this.#cursors.set(key, n + 1);
      out.push(members[n % members.length]!.handler);
    }
    return out;
  }
}
