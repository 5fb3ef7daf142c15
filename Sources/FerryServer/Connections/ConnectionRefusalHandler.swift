import FerryCore
import FerryWire
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// A connection beyond `server.max_connections`: its first request is answered 429 with `Retry-After: 1` in the
/// shape of the API it called (OpenAI's, Ollama's, Anthropic's — ``GatewayDialect``) and the connection closed; a
/// client that sends nothing within `timeout` is closed without a word. Nothing reaches the handlers after it.
final class ConnectionRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let limit: Int
    private let timeout: TimeAmount
    private var answered = false
    private var timer: Scheduled<Void>?

    init(limit: Int, timeout: TimeAmount) {
        self.limit = limit
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, !self.answered else { return }
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data), !answered else { return }
        answered = true
        let (response, body) = Self.answer(path: request.uri, limit: limit)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {}

    /// The refusal of a request for `path`: head and body.
    static func answer(path: String, limit: Int) -> (HTTPResponseHead, ByteBuffer) {
        let error = FerryError(
            code: .rateLimited,
            message: "Ferry is serving its limit of \(limit) client connections (server.max_connections); this connection was refused",
            hint: "retry in a moment, reuse keep-alive connections instead of opening new ones, or raise server.max_connections",
            retryAfter: .seconds(1)
        )
        var (response, body) = GatewayDialect(path: path).errorAnswer(for: error, requestID: RequestIDs.next())
        response.headerFields[.contentLength] = String(body.readableBytes)
        response.headerFields[.connection] = "close"
        return (HTTPResponseHead(response), body)
    }
}
