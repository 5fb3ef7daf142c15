import CoreMetrics
import Synchronization

/// The counters, timers and gauges the router has made, kept by label and dimension values: making a handle costs
/// the metrics backend a registry lookup under its lock and label strings, too much to pay on every request.
final class MetricHandles: Sendable {
    private struct Key: Hashable {
        let label: String
        let first: String
        let second: String
        let third: String
    }

    let factory: any MetricsFactory
    private let counters = Mutex<[Key: Counter]>([:])
    private let timers = Mutex<[Key: Timer]>([:])
    private let gauges = Mutex<[Key: Gauge]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// The counter `label` with the given dimensions (their values, in order, identify it).
    func counter(_ label: String, _ dimensions: (String, String)...) -> Counter {
        Self.handle(in: counters, Self.key(label, dimensions)) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    func timer(_ label: String, _ dimensions: (String, String)...) -> Timer {
        Self.handle(in: timers, Self.key(label, dimensions)) { Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    func gauge(_ label: String, _ dimensions: (String, String)...) -> Gauge {
        Self.handle(in: gauges, Self.key(label, dimensions)) { Gauge(label: label, dimensions: dimensions, factory: factory) }
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
