// The status page: every route's backends from /status — up or down, circuit, requests in flight, TTFT p50/p95
// and error rate over the last minutes, the last health probe, the process of a backend Ferry runs — and the
// cache's hit ratio; polled every two seconds while the page is shown.

import { apiJSON } from "./api.js";
import { byId, clear, formatMilliseconds, h } from "./dom.js";
import { barChart, chartFigure, lineChart } from "./charts.js";

const interval = 2000;
let timer = null;
let shown = false;
let lastBanner = "";
let lastUpdate = 0;

export function showStatus() {
  shown = true;
  poll();
}

export function hideStatus() {
  shown = false;
  clearTimeout(timer);
}

/** Reads /status once (for the badge in the page's tabs) without drawing the page. */
export async function checkStatus() {
  try {
    updateBadge(await apiJSON("/status"));
  } catch {
    // the status page says more when it is opened
  }
}

async function poll() {
  clearTimeout(timer);
  try {
    const status = await apiJSON("/status");
    lastUpdate = Date.now();
    render(status);
    updateBadge(status);
  } catch (error) {
    setBanner(error.text ?? error.message);
    byId("status-updated").textContent = lastUpdate ? `Last answer ${Math.round((Date.now() - lastUpdate) / 1000)} s ago` : "";
  }
  if (shown) timer = setTimeout(poll, document.hidden ? interval * 5 : interval);
}

/** up, down, recovering, degraded or starting, and what says so. */
export function backendState(backend) {
  const phase = backend.process?.phase;
  if (phase === "failed" || phase === "stopped") return ["down", `its process is ${phase}${backend.process.last_exit ? `: ${backend.process.last_exit}` : ""}`];
  if (phase === "starting" || phase === "restarting" || phase === "idle") return ["starting", `its process is ${phase}`];
  if (backend.circuit === "open") return ["down", backend.health && backend.health.status !== "healthy" ? backend.health.detail : "its circuit is open after failed requests"];
  if (backend.health?.status === "unhealthy") return ["down", backend.health.detail];
  if (backend.circuit === "half-open") return ["recovering", "its circuit lets one request through to test it"];
  if (backend.health?.status === "degraded") return ["degraded", backend.health.detail];
  return ["up", backend.health ? backend.health.detail : "answering"];
}

function allBackends(status) {
  const seen = new Map();
  for (const route of status.routes || []) for (const backend of route.backends) seen.set(backend.name, backend);
  return [...seen.values()];
}

function updateBadge(status) {
  const down = allBackends(status).filter((backend) => backendState(backend)[0] === "down");
  const badge = byId("status-badge");
  badge.hidden = down.length === 0;
  badge.textContent = down.length ? `${down.length} down` : "";
}

function setBanner(text) {
  const banner = byId("status-banner");
  banner.hidden = !text;
  if (text !== lastBanner) banner.textContent = text;
  lastBanner = text;
}

function render(status) {
  const backends = allBackends(status);
  const down = backends.filter((backend) => backendState(backend)[0] === "down");
  setBanner(down.length ? `${down.map((backend) => backend.name).join(", ")} ${down.length === 1 ? "is" : "are"} down: ${down.map((backend) => backendState(backend)[1]).join("; ")}` : "");

  const summary = clear(byId("status-summary"));
  const up = backends.length - down.length;
  summary.append(card("Backends up", `${up} of ${backends.length}`, down.length ? "bad" : "good"));
  summary.append(card("Requests in progress", String(status.in_flight ?? 0), null, status.waiting ? `${status.waiting} waiting` : ""));
  summary.append(card("Running for", duration(status.uptime_seconds ?? 0)));
  if (status.cache) {
    const lookups = status.cache.hits + status.cache.misses;
    summary.append(card("Cache hit ratio", lookups ? `${Math.round(status.cache.hit_ratio * 100)} %` : "–", null, `${status.cache.hits} hits, ${status.cache.misses} misses (${status.cache.store})`));
  }

  const container = clear(byId("status-routes"));
  for (const route of status.routes || []) {
    const aliases = route.aliases?.length ? ` · also ${route.aliases.join(", ")}` : "";
    container.append(h("section", { class: "route-card", "aria-label": `Route ${route.name}` },
      h("h2", {}, route.name, h("small", {}, ` ${route.strategy}${aliases}`)),
      h("div", { class: "backend-grid" }, route.backends.map(backendCard))));
  }
  byId("status-updated").textContent = `Updated ${new Date().toLocaleTimeString()}; refreshed every ${interval / 1000} s`;
}

function card(title, value, tone = null, detail = "") {
  return h("div", { class: `summary-card ${tone || ""}` }, h("span", { class: "card-title" }, title), h("strong", {}, value), detail ? h("small", {}, detail) : null);
}

function duration(seconds) {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

function percent(rate) {
  if (rate === null || rate === undefined) return "–";
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)} %`;
}

function backendCard(backend) {
  const [state, reason] = backendState(backend);
  const recent = backend.recent;
  const minutes = recent ? Math.round((recent.series.length * recent.bucket_seconds) / 60) : 0;
  const facts = [
    ["In flight", String(backend.in_flight ?? 0)],
    [`Requests (${minutes} min)`, recent ? String(recent.requests) : "–"],
    ["Error rate", recent ? percent(recent.error_rate) : "–"],
    ["TTFT p50 / p95", recent ? `${formatMilliseconds(recent.ttft_p50_ms)} / ${formatMilliseconds(recent.ttft_p95_ms)}` : "–"],
    ["Circuit", backend.circuit],
    ["Last probe", backend.health ? `${backend.health.status}, ${Math.round(backend.health.seconds_ago)} s ago` : "none yet"],
  ];
  const element = h("article", { class: `backend-card state-${state}`, "aria-label": `Backend ${backend.name}: ${state}` },
    h("header", {},
      h("h3", {}, backend.name),
      h("span", { class: `state-badge ${state}` }, h("span", { class: "dot", "aria-hidden": "true" }), state)),
    h("p", { class: "state-reason" }, reason),
    h("dl", { class: "facts" }, facts.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, value)])));
  if (recent) {
    const peak = Math.max(0, ...recent.series.map((bucket) => bucket.ttft_p95_ms ?? 0));
    element.append(chartFigure("TTFT",
      lineChart([
        { values: recent.series.map((bucket) => bucket.ttft_p95_ms ?? null), className: "p95" },
        { values: recent.series.map((bucket) => bucket.ttft_p50_ms ?? null), className: "p50" },
      ], `Time to first token of ${backend.name} over the last ${minutes} minutes: p50 ${formatMilliseconds(recent.ttft_p50_ms)}, p95 ${formatMilliseconds(recent.ttft_p95_ms)}`),
      [["p50", "p50"], ["p95", "p95"]],
      peak ? formatMilliseconds(peak) : ""));
    element.append(chartFigure("Errors",
      barChart(recent.series.map((bucket) => (bucket.requests ? bucket.errors / bucket.requests : null)),
        `Error rate of ${backend.name} over the last ${minutes} minutes: ${percent(recent.error_rate)}`), [], "100 %"));
  }
  if (backend.process) element.append(processDetails(backend.process));
  return element;
}

function processDetails(process) {
  const facts = [
    ["Phase", process.phase], ["PID", process.pid ?? "–"], ["Port", process.port ?? "–"], ["Restarts", String(process.restarts ?? 0)],
  ];
  if (process.last_exit) facts.push(["Last exit", process.last_exit]);
  return h("details", { class: "process", open: process.phase !== "ready" },
    h("summary", {}, `Process: ${process.phase}${process.pid ? `, pid ${process.pid}` : ""}`),
    h("dl", { class: "facts" }, facts.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, String(value))])),
    h("p", { class: "help" }, process.command),
    process.last_lines?.length ? h("pre", { class: "log-lines", tabindex: "0", "aria-label": "Last lines it wrote" }, process.last_lines.slice(-8).join("\n")) : null);
}
