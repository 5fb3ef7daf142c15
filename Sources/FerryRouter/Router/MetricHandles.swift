import CoreMetrics
import Synchronization

/// The counters, timers and gauges the router has made, kept by label and dimension values (a backend's own, by its
/// name): making a handle costs the metrics backend a registry lookup under its lock and label strings, too much to
/// pay on every request.
final class MetricHandles: Sendable {
    private struct Key: Hashable {
        let label: String
        let first: String
        let second: String
        let third: String
    }

    /// The handles a backend's every answer records into, made together the first time: one lookup by name
    /// instead of one per metric under a four-string key.
    final class Backend: Sendable {
        let ttft: Timer
        let promptTokens: Counter
        let completionTokens: Counter
        let circuit: Gauge

        init(_ name: String, factory: any MetricsFactory) {
            ttft = Timer(label: "ferry_ttft_seconds", dimensions: [("backend", name)], factory: factory)
            promptTokens = Counter(label: "ferry_tokens_total", dimensions: [("backend", name), ("kind", "prompt")], factory: factory)
            completionTokens = Counter(label: "ferry_tokens_total", dimensions: [("backend", name), ("kind", "completion")], factory: factory)
            circuit = Gauge(label: "ferry_circuit_state", dimensions: [("backend", name)], factory: factory)
        }
    }

    let factory: any MetricsFactory
    private let backends = Mutex<[String: Backend]>([:])
    private let counters = Mutex<[Key: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// The handles of backend `name`'s metrics.
    func backend(_ name: String) -> Backend {
        if let kept = backends.withLock({ $0[name] }) { return kept }
        let made = Backend(name, factory: factory)
        return backends.withLock { kept in
            if let backend = kept[name] { return backend }
            kept[name] = made
            return made
        }
    }

    /// The counter `label` with the given dimensions (their values, in order, identify it).
    func counter(_ label: String, _ dimensions: (String, String)...) -> Counter {
        Self.handle(in: counters, Self.key(label, dimensions)) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    /// The handle kept under `key`, made (outside the lock) and kept the first time.
    private static func handle<Handle: Sendable>(in store: borrowing Mutex<[Key: Handle]>, _ key: Key, make: () -> Handle) -> Handle {
        if let handle = store.withLock({ $0[key] }) { return handle }
        let made = make()
        return store.withLock { handles in
            if let kept = handles[key] { return kept }
            handles[key] = made
            return made
        }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> Key {
        Key(
            label: label,
            first: dimensions.count > 0 ? dimensions[0].1 : "",
            second: dimensions.count > 1 ? dimensions[1].1 : "",
            third: dimensions.count > 2 ? dimensions[2].1 : ""
        )
    }
}
