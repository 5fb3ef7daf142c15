import NIOCore
import NIOHTTP1

/// NIO's HTTP/1.1 response decoder (llhttp) without its watch on the connection's writes. The inline connection
/// writes each request as bytes whose head was encoded once (``InlineUpstream``), so no request head passes the
/// decoder on its way out; the connection tells it each request's method with ``expect(_:)`` instead — which it
/// needs to know whether a response has a body.
///
/// ```swift
/// let decoder = InlineResponseDecoder()
/// try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
/// decoder.expect(upstream.head)   // before each request goes out
/// ```
struct InlineResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = HTTPClientResponsePart

    private let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop)

    /// A request with `head` went out: its response comes next, after those of earlier requests.
    func expect(_ head: HTTPRequestHead) {
        decoder.write(data: .head(head))
    }

    func decoderAdded(context: ChannelHandlerContext) {
        decoder.decoderAdded(context: context)
    }

    func decoderRemoved(context: ChannelHandlerContext) {
        decoder.decoderRemoved(context: context)
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        try decoder.decode(context: context, buffer: &buffer)
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }
}
