import CoreMetrics
import FerryCore

/// What the router counts, through swift-metrics (a Prometheus backend is the server's to bootstrap):
/// `ferry_requests_total{route,backend}`, `ferry_errors_total{backend,kind}`, `ferry_retries_total{route}`,
/// `ferry_fallbacks_total{route,from,to}`, `ferry_ttft_seconds{backend}`, `ferry_tokens_total{backend,kind}`,
/// `ferry_circuit_state{backend}` (0 closed, 1 half-open, 2 open).
///
/// `ferry_ttft_seconds` is the time to the first event for streams; for a whole (non-streamed) answer the answer's
/// latency stands in for it, since no earlier event exists. The latency strategy averages the same values.
struct RouterMetrics: Sendable {
    /// Shared with the backends' states (``BackendState``), which count attempts, tokens, TTFT and circuits.
    let handles: MetricHandles

    init(factory: any MetricsFactory) {
        handles = MetricHandles(factory: factory)
    }

    func failure(backend: String, _ error: FerryError) {
        handles.counter("ferry_errors_total", ("backend", backend), ("kind", error.code.rawValue)).increment()
    }

    func retry(route: String) {
        handles.counter("ferry_retries_total", ("route", route)).increment()
    }

    func fallback(route: String, from: String, to: String) {
        handles.counter("ferry_fallbacks_total", ("route", route), ("from", from), ("to", to)).increment()
    }
}
