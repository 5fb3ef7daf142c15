import HTTPTypes
import NIOCore

/// A chat request the inline path is reading: its head and the body so far, kept whole so that it can still be
/// handed to the routes unchanged.
struct InlineChatRequest {
    var head: HTTPRequest
    var body: ByteBuffer
    let dialect: ChatDialect
    let received: ContinuousClock.Instant

    /// Whether the client asked to close the connection after the answer.
    var closes: Bool { head.headerFields[.connection]?.lowercased() == "close" }
}
