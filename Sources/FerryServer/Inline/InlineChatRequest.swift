import NIOCore
import NIOHTTP1

/// A chat request the inline path is reading: its head and the body so far, kept whole so that it can still be
/// handed to the routes unchanged.
struct InlineChatRequest {
    var head: HTTPRequestHead
    var body: ByteBuffer
    let dialect: GatewayDialect
    let received: ContinuousClock.Instant

    /// Whether the connection closes after the answer: the client asked so (or speaks HTTP/1.0 without keep-alive).
    var closes: Bool { !head.isKeepAlive }
}
