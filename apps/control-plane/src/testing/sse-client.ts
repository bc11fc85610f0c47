/** One Server-Sent Event as a client parsed it: its `event` name (default `message`) and its `data` parsed as JSON. */
export interface SseEvent<T = any> {
  event: string;
  data: T;
}

/** An open event stream read with `fetch`, recording every event and comment it receives. */
export interface EventStreamClient {
  status: number;
  headers: Headers;
  /** Every event received, in order. */
  readonly events: SseEvent[];
  /** Every comment line received (heartbeats), without the leading `:`. */
  readonly comments: string[];
  /** The `retry:` value the server sent, if any. */
  retryMs: number | undefined;
  /** Resolves when the server ended the stream (or the client closed it). */
  ended: Promise<void>;
  /** The first event (received so far or later) named `event` for which `match` holds; rejects after `timeoutMs`. */
  waitFor<T = any>(event: string, match?: (data: T) => boolean, timeoutMs?: number): Promise<SseEvent<T>>;
  close(): void;
}

/**
 * Opens `url` as an event stream (`accept: text/event-stream`) with `headers` and parses what it
 * sends, as a browser's `EventSource` does (fields `event`, `data`, `retry`; blank line ends an
 * event; lines starting with `:` are comments). A non-200 answer is returned with its parsed JSON
 * body in `body` and no stream.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient & { body?: unknown }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const client: EventStreamClient & { body?: unknown } = {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    retryMs: undefined,
    ended: Promise.resolve(),
    waitFor(event, match = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find((e) => e.event === event && match(e.data));
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${event} event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ') || 'none'}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => abort.abort(),
  };
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    client.body = text ? (JSON.parse(text) as unknown) : undefined;
    return client;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  client.ended = (async () => {
    let buffer = '';
    let name = 'message';
    let data: string[] = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (data.length > 0) events.push({ event: name, data: JSON.parse(data.join('\n')) as unknown });
            name = 'message';
            data = [];
            notify();
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
            notify();
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') name = val;
            else if (field === 'data') data.push(val);
            else if (field === 'retry') client.retryMs = Number(val);
          }
        }
      }
    } catch {
      // Aborted by close(), or the connection dropped: the stream has ended either way.
    }
  })();
  return client;
}
