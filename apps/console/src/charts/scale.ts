/**
 * The arithmetic of the console's charts, apart from their SVG: value scales, axis ticks and the
 * geometry of bars, so it can be tested without a browser.
 */

/** Maps `[0, max]` onto `[0, length]` pixels. */
export interface LinearScale {
  /** The domain's top: a "nice" number at or above the largest value (1 when every value is 0). */
  max: number;
  /** Tick values from 0 to `max`, evenly spaced. */
  ticks: number[];
  /** Pixels for `value`, clamped to `[0, length]`. */
  at(value: number): number;
}

/** The smallest of 1, 2, 5 × 10^k at or above `step`. */
function niceStep(step: number): number {
  const power = 10 ** Math.floor(Math.log10(step));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= step) return factor * power;
  return 10 * power;
}

/**
 * A scale for counts up to `largest` over `length` pixels, with about `tickCount` whole-number ticks
 * (counts are integers: the step is at least 1).
 */
export function linearScale(largest: number, length: number, tickCount = 4): LinearScale {
  const step = Math.max(1, niceStep(Math.max(largest, 1) / tickCount));
  const max = Math.max(step, Math.ceil(largest / step) * step);
  const ticks: number[] = [];
  for (let tick = 0; tick <= max + step / 2; tick += step) ticks.push(tick);
  return { max, ticks, at: (value) => Math.min(length, Math.max(0, (value / max) * length)) };
}

/** One drawn rectangle: SVG coordinates (y grows downwards). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One series of a stacked bar: its value and its rectangle (zero height when the value is 0). */
export interface StackSegment<K extends string> extends Rect {
  key: K;
  value: number;
}

/**
 * Geometry of `rows` as vertical stacked bars in a plot `width` × `height`: one slot per row, the
 * bar `barRatio` of its slot wide and centred; segments stacked from the baseline in `keys` order.
 */
export function stackedBars<K extends string>(
  rows: ReadonlyArray<Readonly<Record<K, number>>>,
  keys: readonly K[],
  width: number,
  height: number,
  barRatio = 0.8,
): { scale: LinearScale; slot: number; bars: Array<Array<StackSegment<K>>> } {
  const totals = rows.map((row) => keys.reduce((sum, key) => sum + row[key], 0));
  const scale = linearScale(Math.max(0, ...totals), height);
  const slot = rows.length === 0 ? 0 : width / rows.length;
  const barWidth = slot * barRatio;
  const bars = rows.map((row, i) => {
    let base = 0;
    return keys.map((key) => {
      const value = row[key];
      const bottom = height - scale.at(base);
      base += value;
      const top = height - scale.at(base);
      return { key, value, x: i * slot + (slot - barWidth) / 2, y: top, width: barWidth, height: bottom - top };
    });
  });
  return { scale, slot, bars };
}

/** Geometry of horizontal bars for `values` over `width` pixels, `rowHeight` apart, each `barHeight` tall. */
export function horizontalBars(values: readonly number[], width: number, rowHeight: number, barHeight: number): { scale: LinearScale; bars: Rect[] } {
  const scale = linearScale(Math.max(0, ...values), width);
  const bars = values.map((value, i) => ({ x: 0, y: i * rowHeight + (rowHeight - barHeight) / 2, width: scale.at(value), height: barHeight }));
  return { scale, bars };
}

/** Share of `used` in `limit` as a fraction in [0, 1]; null without a limit. Over the limit stays 1. */
export function meterFraction(used: number, limit: number | null): number | null {
  if (limit === null) return null;
  if (limit <= 0) return used > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, used / limit));
}

/** A histogram bucket's label: `0–50`, `5000+` (ms). */
export function bucketLabel(from: number, to: number | null): string {
  return to === null ? `${from}+` : `${from}–${to}`;
}

/** Every `n`th index label to show so that at most `max` of `count` labels appear. */
export function labelEvery(count: number, max: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, max)));
}
