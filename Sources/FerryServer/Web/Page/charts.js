// Small SVG charts for the status page: a line per series over the window's buckets, and bars. Drawn with SVG
// attributes only (no inline styles: the page's Content-Security-Policy allows none).

import { h, svg } from "./dom.js";

const width = 240;
const height = 56;
const pad = 4;

/**
 * A line chart of `series` ([{values: [number|null], className}]), all on one scale from 0; null is a gap.
 * `label` is what a screen reader hears.
 */
export function lineChart(series, label) {
  const count = Math.max(...series.map((line) => line.values.length), 2);
  const top = Math.max(1, ...series.flatMap((line) => line.values.filter((value) => value !== null)));
  const x = (index) => pad + (index * (width - 2 * pad)) / (count - 1);
  const y = (value) => height - pad - (value / top) * (height - 2 * pad);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": label, preserveAspectRatio: "none" });
  chart.append(svg("line", { x1: pad, x2: width - pad, y1: height - pad, y2: height - pad, class: "chart-axis" }));
  for (const line of series) {
    let path = "";
    let drawing = false;
    line.values.forEach((value, index) => {
      if (value === null || value === undefined) {
        drawing = false;
        return;
      }
      path += `${drawing ? "L" : "M"}${x(index).toFixed(1)},${y(value).toFixed(1)} `;
      drawing = true;
    });
    if (path) chart.append(svg("path", { d: path.trim(), class: `chart-line ${line.className}` }));
    line.values.forEach((value, index) => {
      const isolated = value !== null && value !== undefined && (line.values[index - 1] ?? null) === null && (line.values[index + 1] ?? null) === null;
      if (isolated) chart.append(svg("circle", { cx: x(index).toFixed(1), cy: y(value).toFixed(1), r: 2, class: `chart-dot ${line.className}` }));
    });
  }
  return chart;
}

/** Bars of `values` (0…1 fractions, null: no requests) — the error rate of each bucket. */
export function barChart(values, label) {
  const count = Math.max(values.length, 1);
  const step = (width - 2 * pad) / count;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": label, preserveAspectRatio: "none" });
  chart.append(svg("line", { x1: pad, x2: width - pad, y1: height - pad, y2: height - pad, class: "chart-axis" }));
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    const barHeight = Math.max(1, value * (height - 2 * pad));
    chart.append(svg("rect", {
      x: (pad + index * step + 0.5).toFixed(1), y: (height - pad - barHeight).toFixed(1), width: Math.max(1, step - 1).toFixed(1), height: barHeight.toFixed(1),
      class: value > 0 ? "chart-bar bad" : "chart-bar",
    }));
  });
  return chart;
}

/** A chart with its title, legend and the value at its top. */
export function chartFigure(title, chart, legend = [], top = "") {
  return h("figure", { class: "chart-figure" },
    h("figcaption", {}, title, ...legend.map(([text, className]) => h("span", { class: `legend ${className}` }, text)), top ? h("span", { class: "chart-top" }, `top ${top}`) : null),
    chart);
}
