import { MARGIN, ValueAxisY } from './axis.tsx';
import { labelEvery, stackedBars } from './scale.ts';

/** One series of a {@link StackedBarChart}: its key in the rows, its legend label and its CSS class (colour, charts.css). */
export interface Series<K extends string> {
  key: K;
  label: string;
  className: string;
}

/** Vertical stacked bars, one per row, with a value axis, thinned row labels, a legend and a tooltip per bar. */
export function StackedBarChart<K extends string>(props: {
  rows: ReadonlyArray<Readonly<Record<K, number>>>;
  series: ReadonlyArray<Series<K>>;
  /** The label under each bar (and in its tooltip). */
  labels: readonly string[];
  /** Each bar's tooltip; default: its label and its series' values. */
  tooltips?: readonly string[];
  title: string;
  testId: string;
  width?: number;
  height?: number;
  /** Show the series legend (default: true). */
  legend?: boolean;
}) {
  const width = props.width ?? 720;
  const height = props.height ?? 220;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const { scale, slot, bars } = stackedBars(props.rows, props.series.map((s) => s.key), plotW, plotH);
  const every = labelEvery(props.labels.length, Math.floor(plotW / 60));
  return (
    <figure class="chart" data-testid={props.testId}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title}>
        <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
          <ValueAxisY scale={scale} width={plotW} height={plotH} />
          {bars.map((segments, i) => (
            <g key={i} class="chart-bar" data-total={segments.reduce((sum, s) => sum + s.value, 0)}>
              <title>{props.tooltips?.[i] ?? `${props.labels[i] ?? ''}: ${props.series.map((s, j) => `${s.label} ${segments[j]?.value ?? 0}`).join(', ')}`}</title>
              <rect class="chart-hit" x={i * slot} y={0} width={slot} height={plotH} />
              {segments.map((segment, j) =>
                segment.height > 0 ? <rect key={segment.key} class={props.series[j]?.className} x={segment.x} y={segment.y} width={segment.width} height={segment.height} /> : null,
              )}
            </g>
          ))}
          <g class="chart-axis">
            {props.labels.map((label, i) =>
              i % every === 0 ? (
                <text key={i} x={i * slot + slot / 2} y={plotH + 16} text-anchor="middle">
                  {label}
                </text>
              ) : null,
            )}
          </g>
        </g>
      </svg>
      {props.legend === false ? null : (
        <figcaption class="chart-legend">
          {props.series.map((s) => (
            <span key={s.key}>
              <svg class="chart-swatch" viewBox="0 0 10 10" aria-hidden="true">
                <rect class={s.className} width={10} height={10} />
              </svg>
              {s.label}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
