// A uPlot line chart of values per day (or per second): sized to its box, redrawn on resize.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from './html.js';

/** Colours that stay apart for the first ten series, and grey for the rest summed. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79'];
export const OTHERS_COLOUR = '#9aa0a6';

/**
 * `xs`: x values in seconds since the epoch; `series`: [{ label, values, colour?, total? }];
 * `format` shows a y value (axis and legend); `xLabel` / `xValue` name and show the hovered x.
 * Away from the plot, the legend shows each series' `total`. `label` names the chart for screen
 * readers.
 */
export function Chart({ label, xs, series, format, xLabel = 'Time', xValue, height = 260, bars = false, integer = false }) {
  const box = useRef(null);
  const plot = useRef(null);
  // A new plot only when the series themselves change; new values (a poll) just redraw it.
  const shape = `${series.map((s) => `${s.label}:${s.colour ?? ''}`).join('|')}:${height}:${bars}:${integer}`;
  useEffect(() => {
    const target = box.current;
    if (!target) return undefined;
    const width = Math.max(target.clientWidth, 320);
    const opts = {
      width,
      height,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: '#5f6368', grid: { stroke: '#eceff1' }, ticks: { stroke: '#dadce0' } },
        {
          stroke: '#5f6368', grid: { stroke: '#eceff1' }, ticks: { stroke: '#dadce0' }, size: 70, values: (_u, vals) => vals.map(format),
          // Counts: whole-number ticks only.
          ...(integer ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] } : {}),
        },
      ],
      series: [
        {
          label: xLabel,
          value: (_u, v, _si, idx) => (idx === null || idx === undefined ? 'total' : xValue ? xValue(v) : new Date(v * 1000).toISOString()),
        },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.colour ?? PALETTE[i % PALETTE.length],
          width: 2,
          fill: bars ? `${s.colour ?? PALETTE[i % PALETTE.length]}33` : undefined,
          points: { show: !bars, size: 5 },
          value: (_u, v, _si, idx) =>
            idx === null || idx === undefined ? (s.total === undefined ? '—' : format(s.total)) : v === null || v === undefined ? '—' : format(v),
          ...(bars ? { paths: uPlot.paths.bars({ size: [0.8, 40] }) } : {}),
        })),
      ],
    };
    const made = new uPlot(opts, [xs, ...series.map((s) => s.values)], target);
    plot.current = made;
    const resize = () => made.setSize({ width: Math.max(target.clientWidth, 320), height });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      made.destroy();
      plot.current = null;
    };
  }, [shape]);
  useEffect(() => {
    plot.current?.setData([xs, ...series.map((s) => s.values)]);
  }, [xs, series]);
  return html`<div class="chart" ref=${box} role="img" aria-label=${label}></div>`;
}
