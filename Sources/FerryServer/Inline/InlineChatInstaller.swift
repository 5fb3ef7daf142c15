import CoreMetrics
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization

/// Puts an ``InlineChatHandler`` in front of Hummingbird's HTTP/1 → HTTP types codec, then leaves the pipeline.
/// Hummingbird adds extra handlers after that codec; the inline path reads NIO's HTTP/1 parts before it, so that a
/// request it serves is never converted (`HTTPFields` built and checked field by field) — only what it passes on
/// to the routes is.
///
/// Without that codec and NIO's response encoder in the pipeline (a Hummingbird that builds it differently), the
/// fast path cannot work: the installer then leaves the pipeline as it is (every request goes to the routes), logs
/// an error and counts `ferry_inline_install_failures_total`. ``check(_:logger:)`` finds that out at start-up, on a
/// pipeline built exactly as the server builds its connections'.
///
/// ```swift
/// let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [InlineChatInstaller(service: inline)])
/// guard InlineChatInstaller.check(http1, logger: logger) else { … }   // logged and counted already
/// ```
final class InlineChatInstaller: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    private let service: InlineChatService

    init(service: InlineChatService) {
        self.service = service
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        defer { pipeline.removeHandler(context: context, promise: nil) }
        do {
            _ = try pipeline.handler(type: HTTPResponseEncoder.self)
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            try pipeline.addHandler(InlineChatHandler(service: service), position: .before(codec))
        } catch {
            service.installFailed(error)
        }
    }

    /// Whether a connection of a server with `configuration` gets the inline path: builds one connection's pipeline
    /// as Hummingbird does (on an embedded channel) and looks for the handler. A failure has been logged and
    /// counted by then.
    static func check(_ configuration: HTTP1Channel.Configuration, logger: Logger) -> Bool {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let http1 = HTTP1Channel(responder: { _, _, _ in }, configuration: configuration)
        do {
            _ = try http1.setup(channel: channel, logger: logger).wait()
            _ = try channel.pipeline.syncOperations.handler(type: InlineChatHandler.self)
            return true
        } catch {
            return false
        }
    }
}

extension InlineChatService {
    /// The installer could not put the handler in a connection's pipeline: said once as an error, counted always.
    func installFailed(_ error: any Error) {
        installFailures.increment()
        guard installFailureLogged.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        gateway.logger.error(
            "The inline chat path could not be installed: every chat request goes through the routes, at about twice the CPU per answer",
            metadata: [
                "error": "\(error)",
                "where": "Hummingbird's HTTP/1 pipeline (HTTPResponseEncoder, HTTP1ToHTTPServerCodec)",
                "hint": "a Hummingbird or swift-nio update changed how connections are built: pin the versions in Package.swift, or set gateway.inline_chat: false to silence this",
            ]
        )
    }
}
