import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One keep-alive HTTP/1.1 connection of the inline path, at the end of a channel pipeline with NIO's HTTP/1.1
/// response decoder (``InlineResponseDecoder``): it sends a request (head and body as one buffer, the head encoded
/// once per upstream) and hands the response's parts to the request's
/// ``InlineResponseReader`` as they are decoded, then goes back to its ``LoopConnections`` when the answer is
/// complete and the server keeps the connection open.
///
/// Backpressure: while the reader's future for a body part is pending, the connection asks the socket for no more.
final class InlineConnection: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let upstream: InlineUpstream
    private let decoder: InlineResponseDecoder
    private weak var pool: LoopConnections?
    private var context: ChannelHandlerContext?
    private var reader: (any InlineResponseReader)?
    /// Requests sent on this connection; also tells a stale backpressure future from the current one.
    private var sent = 0
    private var answered = false
    private var keepAlive = true
    private var paused = false
    private var readPending = false
    private var failure: (any Error)?
    /// When the connection last went idle.
    var idleSince = NIODeadline.now()

    init(upstream: InlineUpstream, decoder: InlineResponseDecoder, pool: LoopConnections) {
        self.upstream = upstream
        self.decoder = decoder
        self.pool = pool
    }

    var isActive: Bool { context?.channel.isActive ?? false }

    /// Sends a request of `body` to the upstream; the response goes to `reader`.
    func send(_ body: ByteBuffer, reader: some InlineResponseReader) {
        guard let context else { return reader.failed(ChannelError.ioOnClosedChannel, beforeAnswer: sent > 0) }
        self.reader = reader
        sent += 1
        answered = false
        keepAlive = true
        failure = nil
        reader.sending(on: self)
        decoder.expect(upstream.head)
        context.writeAndFlush(wrapOutboundOut(upstream.request(body, allocator: context.channel.allocator)), promise: nil)
    }

    /// Stops the request in flight: the connection is closed (the rest of the answer is not wanted) and the
    /// reader hears nothing more.
    func abort() {
        reader = nil
        context?.close(promise: nil)
    }

    /// Closes an idle connection.
    func close() {
        context?.close(promise: nil)
    }

    // MARK: ChannelDuplexHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status.code >= 200 || head.status.code == 101 else { return }  // 1xx: the real head follows
            answered = true
            keepAlive = head.isKeepAlive
            reader?.received(head: head)
        case .body(let part):
            guard let future = reader?.received(body: part) else { return }
            paused = true
            let request = sent
            future.assumeIsolated().whenComplete { [self] _ in
                if sent == request { resume() }
            }
        case .end:
            guard let reader else { return }
            self.reader = nil
            resume()
            if keepAlive {
                pool?.park(self)
            } else {
                context.close(promise: nil)
            }
            reader.receivedEnd()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pool?.closed(self)
        if let reader {
            self.reader = nil
            let error = failure ?? HTTPClientError.remoteConnectionClosed
            reader.failed(error, beforeAnswer: !answered && sent > 1 && Self.isClosure(failure))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil { failure = error }
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if paused {
            readPending = true
        } else {
            context.read()
        }
    }

    private func resume() {
        paused = false
        guard readPending else { return }
        readPending = false
        context?.read()
    }

    /// Whether `error` (nil: none, just the end of the stream) is the server closing the connection, as opposed to
    /// an answer that could not be read.
    private static func isClosure(_ error: (any Error)?) -> Bool {
        guard let error else { return true }
        if let error = error as? IOError { return [ECONNRESET, EPIPE].contains(error.errnoCode) }
        return false
    }
}

@available(*, unavailable)
extension InlineConnection: Sendable {}
