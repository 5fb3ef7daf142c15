import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A raw HTTP/1.1 server on 127.0.0.1 that answers every request with one canned OpenAI chat completion, and
/// closes connections the way `mode` says — for the inline client's connection handling, which FerrySim (a
/// well-behaved server) never exercises.
final class CannedHTTPServer: Sendable {
    enum Mode: Sendable {
        /// Keeps every connection open.
        case keepAlive
        /// Answers with `connection: close`, then closes.
        case closeHeader
        /// Answers as if keeping the connection, then closes it at once.
        case closeAfterAnswer
        /// Answers a connection's first request; closes it without answering the second.
        case closeOnSecondRequest
        /// Closes every connection without answering.
        case neverAnswer
    }

    static let answer = #"{"id":"c1","object":"chat.completion","created":1,"model":"demo","choices":[{"index":0,"message":{"role":"assistant","content":"canned"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#

    private let channel: any Channel
    private let accepted: NIOLockedValueBox<Int>
    let port: Int

    /// Connections accepted so far.
    var connections: Int { accepted.withLockedValue { $0 } }

    init(mode: Mode) async throws {
        let accepted = NIOLockedValueBox(0)
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Connection(mode: mode)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.accepted = accepted
        port = channel.localAddress?.port ?? 0
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let mode: Mode
        var received = ByteBuffer()
        var requests = 0

        init(mode: Mode) { self.mode = mode }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var part = unwrapInboundIn(data)
            received.writeBuffer(&part)
            while let length = completeRequestLength() {
                received.moveReaderIndex(forwardBy: length)
                requests += 1
                respond(context: context)
            }
        }

        /// The length of the first complete request in `received` (head and content-length body), if it is in.
        private func completeRequestLength() -> Int? {
            let text = String(buffer: received)
            guard let headEnd = text.range(of: "\r\n\r\n") else { return nil }
            let head = text[..<headEnd.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            let total = text.utf8.distance(from: text.utf8.startIndex, to: headEnd.upperBound) + length
            return received.readableBytes >= total ? total : nil
        }

        private func respond(context: ChannelHandlerContext) {
            switch mode {
            case .neverAnswer:
                return context.close(promise: nil)
            case .closeOnSecondRequest where requests > 1:
                return context.close(promise: nil)
            default:
                break
            }
            let closing = mode == .closeHeader
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \(CannedHTTPServer.answer.utf8.count)\r\n" + (closing ? "connection: close\r\n" : "") + "\r\n"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head + CannedHTTPServer.answer)), promise: nil)
            if closing || mode == .closeAfterAnswer { context.close(promise: nil) }
        }
    }
}
