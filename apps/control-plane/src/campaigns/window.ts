/**
 * A campaign's calling hours: a daily window of local time in an IANA time zone, optionally on some
 * weekdays only. Outside it the dialer gives no slots; calls already placed carry on.
 */
import { z } from 'zod';

/** Weekdays as a window names them, Sunday first (the order of `Date#getUTCDay`). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** One of {@link WEEKDAYS}. */
export type Weekday = (typeof WEEKDAYS)[number];

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00 to 23:59)');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** `{start, end, timezone, days?}`: `start` inclusive, `end` exclusive, `start` before `end`. */
export const CallingWindow = z
  .strictObject({
    start: TimeOfDay,
    end: TimeOfDay,
    timezone: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as America/New_York'),
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
  })
  .refine((w) => w.start < w.end, { message: 'start must be before end (same day)', path: ['end'] });
/** A validated {@link CallingWindow}. */
export type CallingWindow = z.infer<typeof CallingWindow>;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Formatters by time zone: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The weekday and minute of the day `at` is in `timeZone`. */
export function localTimeOf(at: Date, timeZone: string): { day: Weekday; minute: number } {
  let day: Weekday = 'sun';
  let hour = 0;
  let minute = 0;
  for (const part of formatterOf(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') day = part.value.slice(0, 3).toLowerCase() as Weekday;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

/** True when `at` falls inside `window` (always, without one). */
export function isWithinWindow(window: CallingWindow | null, at: Date): boolean {
  if (window === null) return true;
  const local = localTimeOf(at, window.timezone);
  if (window.days && !window.days.includes(local.day)) return false;
  return local.minute >= minutesOf(window.start) && local.minute < minutesOf(window.end);
}
