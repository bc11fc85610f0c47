import { describe, expect, it } from 'vitest';
import { CallingWindow, isWithinWindow, localTimeOf } from './window.ts';

const window = (w: unknown) => CallingWindow.parse(w);

describe('calling window', () => {
  it('reads local time in the window time zone, daylight saving included', () => {
    // 14:30 UTC is 09:30 in New York in winter (UTC-5) and 10:30 in summer (UTC-4).
    expect(localTimeOf(new Date('2026-12-07T14:30:00Z'), 'America/New_York')).toEqual({ day: 'mon', minute: 9 * 60 + 30 });
    expect(localTimeOf(new Date('2026-07-06T14:30:00Z'), 'America/New_York')).toEqual({ day: 'mon', minute: 10 * 60 + 30 });
    expect(localTimeOf(new Date('2026-12-07T23:30:00Z'), 'Asia/Kolkata')).toEqual({ day: 'tue', minute: 5 * 60 });
  });

  it('is inside from start (inclusive) to end (exclusive), on the listed days only', () => {
    const w = window({ start: '09:00', end: '18:00', timezone: 'America/New_York', days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    expect(isWithinWindow(w, new Date('2026-12-07T13:59:59Z'))).toBe(false); // 08:59:59 Monday
    expect(isWithinWindow(w, new Date('2026-12-07T14:00:00Z'))).toBe(true); // 09:00 Monday
    expect(isWithinWindow(w, new Date('2026-12-07T22:59:00Z'))).toBe(true); // 17:59
    expect(isWithinWindow(w, new Date('2026-12-07T23:00:00Z'))).toBe(false); // 18:00
    expect(isWithinWindow(w, new Date('2026-12-12T15:00:00Z'))).toBe(false); // Saturday 10:00
    expect(isWithinWindow(null, new Date('2026-12-12T03:00:00Z'))).toBe(true);
  });

  it('refuses malformed windows precisely', () => {
    const issue = (w: unknown) => {
      const r = CallingWindow.safeParse(w);
      return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
    };
    expect(issue({ start: '9:00', end: '18:00', timezone: 'UTC' })).toBe('start: must be HH:MM (00:00 to 23:59)');
    expect(issue({ start: '09:00', end: '24:00', timezone: 'UTC' })).toBe('end: must be HH:MM (00:00 to 23:59)');
    expect(issue({ start: '18:00', end: '09:00', timezone: 'UTC' })).toBe('end: start must be before end (same day)');
    expect(issue({ start: '09:00', end: '18:00', timezone: 'Mars/Olympus' })).toBe('timezone: must be an IANA time zone such as America/New_York');
    expect(issue({ start: '09:00', end: '18:00', timezone: 'UTC', days: ['monday'] })).toMatch(/^days\.0: /);
    expect(issue({ start: '09:00', end: '18:00', timezone: 'UTC', days: ['sat', 'sun'] })).toBeNull();
  });
});
