import { createInProcessBus } from '@vr3/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { LivePresence, PRESENCE_TTL_MS } from './presence.ts';

const bus = createInProcessBus();
/** Lets the bus deliver what was published. */
const delivered = () => new Promise((resolve) => setImmediate(resolve));
const open: LivePresence[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

describe('LivePresence', () => {
  it('listens while it has streams of its own, or heard of another replica’s within the TTL', async () => {
    let now = 1000;
    let local = 0;
    const here = new LivePresence(bus, () => local, () => now);
    const there = new LivePresence(bus, () => 0, () => now);
    open.push(here, there);
    expect(here.listening).toBe(false);
    expect(there.listening).toBe(false);

    local = 1;
    expect(here.listening).toBe(true);
    expect(there.listening).toBe(false);
    here.announce();
    await delivered();
    expect(there.listening).toBe(true);

    now += PRESENCE_TTL_MS - 1;
    expect(there.listening).toBe(true);
    now += 1;
    expect(there.listening).toBe(false);
    expect(here.listening).toBe(true);
  });

  it('hears nothing once closed', async () => {
    let now = 0;
    const closed = new LivePresence(bus, () => 0, () => now);
    closed.close();
    const other = new LivePresence(bus, () => 1, () => now);
    open.push(other);
    const witness = new LivePresence(bus, () => 0, () => now);
    open.push(witness);
    other.announce();
    await delivered();
    now += 1;
    expect(witness.listening).toBe(true);
    expect(closed.listening).toBe(false);
  });
});
