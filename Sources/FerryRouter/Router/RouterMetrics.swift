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
    let factory: any MetricsFactory

    func attempt(route: String, backend: String) {
        Counter(label: "ferry_requests_total", dimensions: [("route", route), ("backend", backend)], factory: factory).increment()
    }

    func failure(backend: String, _ error: FerryError) {
        Counter(label: "ferry_errors_total", dimensions: [("backend", backend), ("kind", error.code.rawValue)], factory: factory).increment()
    }

    func retry(route: String) {
        Counter(label: "ferry_retries_total", dimensions: [("route", route)], factory: factory).increment()
    }

    func fallback(route: String, from: String, to: String) {
        Counter(label: "ferry_fallbacks_total", dimensions: [("route", route), ("from", from), ("to", to)], factory: factory).increment()
    }

    func ttft(backend: String, _ duration: Duration) {
        Timer(label: "ferry_ttft_seconds", dimensions: [("backend", backend)], factory: factory)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func tokens(backend: String, _ usage: Usage?) {
        guard let usage else { return }
        Counter(label: "ferry_tokens_total", dimensions: [("backend", backend), ("kind", "prompt")], factory: factory).increment(by: usage.promptTokens)
        Counter(label: "ferry_tokens_total", dimensions: [("backend", backend), ("kind", "completion")], factory: factory).increment(by: usage.completionTokens)
    }

    func circuit(backend: String, _ breaker: CircuitBreaker) {
        let value: Int = switch breaker.state {
        case .closed: 0
        case .halfOpen: 1
        case .open: 2
        }
        Gauge(label: "ferry_circuit_state", dimensions: [("backend", backend)], factory: factory).record(value)
    }
}
