import CoreMetrics
import Synchronization

/// Counts the gateway's client connections against `server.max_connections`. A connection beyond the limit is
/// still accepted, so that its client hears why (``ConnectionRefusalHandler``: 429 in its API's shape, then
/// closed); beyond twice the limit the server stops accepting and new connections wait in the listen backlog.
///
/// ```swift
/// let gate = ConnectionGate(limit: 10_000)
/// if gate.enter() { channel.closeFuture.whenComplete { _ in gate.leave() } } else { /* refuse */ }
/// ```
final class ConnectionGate: Sendable {
    /// Connections served at once.
    let limit: Int
    private let open = Atomic<Int>(0)
    private let refusals: Counter

    init(limit: Int, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.limit = limit
        refusals = Counter(label: "ferry_connection_refusals_total", factory: metrics)
    }

    /// Takes a place for a new connection; false (and counted) when all `limit` are taken.
    func enter() -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        guard now > limit else { return true }
        open.subtract(1, ordering: .relaxed)
        refusals.increment()
        return false
    }

    /// Gives back a place taken by ``enter()``.
    func leave() {
        open.subtract(1, ordering: .relaxed)
    }

    /// Connections holding a place now.
    var count: Int { open.load(ordering: .relaxed) }

    /// Connections the server accepts at most (the rest wait in the listen backlog): those it serves, and as many
    /// again that it refuses with an answer.
    var acceptLimit: Int { limit > Int.max / 2 ? Int.max : limit * 2 }
}
