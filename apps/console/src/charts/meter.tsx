import { meterFraction } from './scale.ts';

const WIDTH = 480;
const HEIGHT = 18;

/** Minutes, from seconds: `12.5`. */
const minutes = (seconds: number) => (seconds / 60).toLocaleString(undefined, { maximumFractionDigits: 1 });

/** Used against a limit as a bar; without a limit, the usage alone. */
export function Meter({ used, limit, testId }: { used: number; limit: number | null; testId: string }) {
  const fraction = meterFraction(used, limit);
  const text = limit === null ? `${minutes(used)} min used (no limit)` : `${minutes(used)} of ${minutes(limit)} min`;
  return (
    <figure class="chart" data-testid={testId}>
      <p class="chart-summary">{text}</p>
      {fraction === null ? null : (
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={text}>
          <title>{`${text} (${Math.round(fraction * 100)}%)`}</title>
          <rect class="chart-track" width={WIDTH} height={HEIGHT} rx={4} />
          <rect class={fraction >= 1 ? 'chart-failed' : 'chart-inbound'} width={WIDTH * fraction} height={HEIGHT} rx={4} />
        </svg>
      )}
    </figure>
  );
}
