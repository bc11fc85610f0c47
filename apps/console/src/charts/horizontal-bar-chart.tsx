import { ValueAxisX } from './axis.tsx';
import { horizontalBars } from './scale.ts';

const ROW = 24;
const BAR = 16;
const LABEL_WIDTH = 170;

/** Horizontal bars with their labels on the left and values at their ends: "which reasons, how often". */
export function HorizontalBarChart(props: { items: ReadonlyArray<{ label: string; value: number }>; title: string; testId: string; empty: string; width?: number }) {
  if (props.items.length === 0) {
    return (
      <p class="muted" data-testid={props.testId}>
        {props.empty}
      </p>
    );
  }
  const width = props.width ?? 480;
  const plotW = width - LABEL_WIDTH - 40;
  const plotH = props.items.length * ROW;
  const { scale, bars } = horizontalBars(props.items.map((item) => item.value), plotW, ROW, BAR);
  return (
    <figure class="chart" data-testid={props.testId}>
      <svg viewBox={`0 0 ${width} ${plotH + 24}`} role="img" aria-label={props.title}>
        <g transform={`translate(${LABEL_WIDTH},4)`}>
          <ValueAxisX scale={scale} height={plotH} />
          {props.items.map((item, i) => {
            const bar = bars[i]!;
            return (
              <g key={item.label} class="chart-row" data-label={item.label} data-value={item.value}>
                <title>{`${item.label}: ${item.value}`}</title>
                <text class="chart-label" x={-8} y={bar.y + BAR / 2} text-anchor="end" dominant-baseline="middle">
                  {item.label}
                </text>
                <rect class="chart-failed" x={bar.x} y={bar.y} width={bar.width} height={bar.height} />
                <text class="chart-value" x={bar.width + 4} y={bar.y + BAR / 2} dominant-baseline="middle">
                  {item.value}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
    </figure>
  );
}
