import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// The first of the gateway's extra handlers on each new connection: takes the connection's place at the
/// ``ConnectionGate`` (given back when it closes), or, when none is free, puts a ``ConnectionRefusalHandler``
/// before every other handler that reads requests, then leaves the pipeline. Costs nothing after that.
final class ConnectionGateInstaller: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    private let gate: ConnectionGate
    private let refusalTimeout: TimeAmount

    init(gate: ConnectionGate, refusalTimeout: TimeAmount = .seconds(2)) {
        self.gate = gate
        self.refusalTimeout = refusalTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        defer { pipeline.removeHandler(context: context, promise: nil) }
        if gate.enter() {
            let gate = self.gate
            context.channel.closeFuture.whenComplete { _ in gate.leave() }
            return
        }
        let refusal = ConnectionRefusalHandler(limit: gate.limit, timeout: refusalTimeout)
        do {
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            try pipeline.addHandler(refusal, position: .before(codec))
        } catch {
            // No HTTP/1 codec to answer through: the client hears nothing, but the limit holds.
            context.close(promise: nil)
        }
    }
}
