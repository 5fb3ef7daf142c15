import CoreMetrics
import Synchronization

/// The counters and timers the router has made, kept by label and dimension values: making a handle costs the
/// metrics backend a registry lookup under its lock and label strings, too much to pay on every request.
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

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// The counter `label` with the given dimensions (their values, in order, identify it).
    func counter(_ label: String, _ dimensions: (String, String)...) -> Counter {
        let key = Self.key(label, dimensions)
        if let counter = counters.withLock({ $0[key] }) { return counter }
        let counter = Counter(label: label, dimensions: dimensions, factory: factory)
        return counters.withLock { $0[key, default: counter] }
    }

    func timer(_ label: String, _ dimensions: (String, String)...) -> Timer {
        let key = Self.key(label, dimensions)
        if let timer = timers.withLock({ $0[key] }) { return timer }
        let timer = Timer(label: label, dimensions: dimensions, factory: factory)
        return timers.withLock { $0[key, default: timer] }
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
