import NIOCore
import NIOHTTPTypesHTTP1

/// Puts an ``InlineChatHandler`` in front of Hummingbird's HTTP/1 → HTTP types codec, then leaves the pipeline.
/// Hummingbird adds extra handlers after that codec; the inline path reads NIO's HTTP/1 parts before it, so that a
/// request it serves is never converted (`HTTPFields` built and checked field by field) — only what it passes on
/// to the routes is. Without that codec in the pipeline (a Hummingbird that builds it differently), the handler
/// goes where the installer was and works on nothing: every request passes on.
///
/// ```swift
/// server: .http1(additionalChannelHandlers: [InlineChatInstaller(service: inline)])
/// ```
final class InlineChatInstaller: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    private let service: InlineChatService

    init(service: InlineChatService) {
        self.service = service
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
            try? pipeline.addHandler(InlineChatHandler(service: service), position: .before(codec))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
