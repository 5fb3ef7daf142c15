import FerryCore
import NIOCore

/// The inline path's keep-alive connections to plain-HTTP backends, one ``LoopConnections`` per event loop of the
/// group: a call uses the connections of its caller's loop only.
final class InlineConnectionPool: Sendable {
    private let loops: [ObjectIdentifier: LoopConnections]

    init(group: any EventLoopGroup, configuration: ProviderHTTPClient.Configuration) {
        let eventLoops = Array(group.makeIterator())
        let share = max(1, configuration.maxConnectionsPerHost / max(1, eventLoops.count))
        loops = Dictionary(uniqueKeysWithValues: eventLoops.map { loop in
            (ObjectIdentifier(loop), LoopConnections(eventLoop: loop, connectTimeout: configuration.connectTimeout, idleTimeout: configuration.idleTimeout, limit: share))
        })
    }

    /// The connections of `eventLoop`, when it is one of the group's.
    func connections(on eventLoop: any EventLoop) -> LoopConnections? {
        loops[ObjectIdentifier(eventLoop)]
    }

    /// Closes every idle connection; no new ones are opened.
    func shutdown() async {
        let closing = loops.values.map { connections in connections.eventLoop.submit { connections.shutdown() } }
        for future in closing { try? await future.get() }
    }
}
