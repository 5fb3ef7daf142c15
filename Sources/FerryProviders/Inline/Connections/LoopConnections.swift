import FerryCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// The inline path's connections on one event loop: idle keep-alive connections per upstream (the most recently
/// used first), and how many are open. Everything here happens on that loop, so a call, its connection and its
/// caller share one thread and no lock is taken.
///
/// `@unchecked Sendable`: it is shared only so that ``InlineConnectionPool`` can hold one per loop; every method
/// runs on ``eventLoop``.
final class LoopConnections: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let connectTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let limit: Int
    private var idle: [ObjectIdentifier: [InlineConnection]] = [:]
    private var open: [ObjectIdentifier: Int] = [:]
    private var sweep: Scheduled<Void>?
    private var shut = false

    /// `limit`: connections to one upstream this loop may open.
    init(eventLoop: any EventLoop, connectTimeout: Duration, idleTimeout: Duration, limit: Int) {
        self.eventLoop = eventLoop
        self.connectTimeout = .nanoseconds(connectTimeout.nanoseconds)
        self.idleTimeout = .nanoseconds(idleTimeout.nanoseconds)
        self.limit = limit
    }

    /// Whether a request to `upstream` can go now: a connection is idle, or another may be opened.
    func hasRoom(for upstream: InlineUpstream) -> Bool {
        let key = ObjectIdentifier(upstream)
        return !shut && (idle[key]?.isEmpty == false || open[key, default: 0] < limit)
    }

    /// Connections to `upstream` open now, idle or busy.
    func openConnections(to upstream: InlineUpstream) -> Int {
        open[ObjectIdentifier(upstream), default: 0]
    }

    /// Sends `body` to `upstream` on an idle connection (unless `fresh`), or on a new one.
    func send(_ body: ByteBuffer, to upstream: InlineUpstream, fresh: Bool = false, reader: some InlineResponseReader) {
        eventLoop.assertInEventLoop()
        let key = ObjectIdentifier(upstream)
        if !fresh {
            while let connection = idle[key]?.popLast() {
                if connection.isActive { return connection.send(body, reader: reader) }
            }
        }
        guard !shut else { return reader.failed(ChannelError.ioOnClosedChannel, beforeAnswer: false) }
        open[key, default: 0] += 1
        let pool = self
        ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = InlineResponseDecoder()
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
                    try channel.pipeline.syncOperations.addHandler(InlineConnection(upstream: upstream, decoder: decoder, pool: pool))
                }
            }
            .connect(host: upstream.host, port: upstream.port)
            .flatMapThrowing { try $0.pipeline.syncOperations.handler(type: InlineConnection.self) }
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let connection):
                    guard reader.isWaiting else { return park(connection) }
                    connection.send(body, reader: reader)
                case .failure(let error):
                    open[key, default: 1] -= 1
                    reader.failed(error, beforeAnswer: false)
                }
            }
    }

    /// `connection` finished its request and stays open: keep it for the next.
    func park(_ connection: InlineConnection) {
        guard !shut else { return connection.close() }
        connection.idleSince = .now()
        idle[ObjectIdentifier(connection.upstream), default: []].append(connection)
        if sweep == nil { armSweep() }
    }

    /// `connection` closed.
    func closed(_ connection: InlineConnection) {
        let key = ObjectIdentifier(connection.upstream)
        open[key, default: 1] -= 1
        if let index = idle[key]?.firstIndex(where: { $0 === connection }) { idle[key]?.remove(at: index) }
    }

    /// Closes the idle connections and opens no more.
    func shutdown() {
        shut = true
        sweep?.cancel()
        sweep = nil
        let connections = idle.values.joined()
        idle = [:]
        for connection in connections { connection.close() }
    }

    /// Closes connections idle for longer than the idle timeout, checking again while any are left.
    private func armSweep() {
        sweep = eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { [self] in
            sweep = nil
            let cutoff = NIODeadline.now() - idleTimeout
            var left = 0
            for key in idle.keys {
                let stale = idle[key]?.filter { $0.idleSince <= cutoff } ?? []
                idle[key]?.removeAll { $0.idleSince <= cutoff }
                stale.forEach { $0.close() }
                left += idle[key]?.count ?? 0
            }
            if left > 0 { armSweep() }
        }
    }
}
