import type { LinearScale } from './scale.ts';

/** Space around a chart's plot for its axes, in SVG units. */
export const MARGIN = { top: 8, right: 28, bottom: 28, left: 40 } as const;

/** Vertical value axis: gridlines and tick labels left of a plot `width` × `height` (origin at the plot's top left). */
export function ValueAxisY({ scale, width, height }: { scale: LinearScale; width: number; height: number }) {
  return (
    <g class="chart-axis">
      {scale.ticks.map((tick) => {
        const y = height - scale.at(tick);
        return (
          <g key={tick}>
            <line class="chart-grid" x1={0} x2={width} y1={y} y2={y} />
            <text x={-6} y={y} text-anchor="end" dominant-baseline="middle">
              {tick}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** Horizontal value axis: gridlines and tick labels under a plot `width` × `height`. */
export function ValueAxisX({ scale, height }: { scale: LinearScale; height: number }) {
  return (
    <g class="chart-axis">
      {scale.ticks.map((tick) => {
        const x = scale.at(tick);
        return (
          <g key={tick}>
            <line class="chart-grid" x1={x} x2={x} y1={0} y2={height} />
            <text x={x} y={height + 14} text-anchor="middle">
              {tick}
            </text>
          </g>
        );
      })}
    </g>
  );
}
