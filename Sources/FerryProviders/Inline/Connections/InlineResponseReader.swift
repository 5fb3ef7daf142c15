import NIOCore
import NIOHTTP1

/// What reads one response on an ``InlineConnection``; every call comes on the connection's event loop.
protocol InlineResponseReader: AnyObject {
    /// Whether the caller still wants the answer; a connection opened for one that gave up goes to the idle pool.
    var isWaiting: Bool { get }
    /// The request is on its way on `connection` (``InlineConnection/abort()`` stops it).
    func sending(on connection: InlineConnection)
    func received(head: HTTPResponseHead)
    /// A part of the body; the connection reads no more until the returned future completes (nil: go on).
    func received(body: ByteBuffer) -> EventLoopFuture<Void>?
    func receivedEnd()
    /// The request failed. `beforeAnswer`: a reused connection was closed by the server before any answer — the
    /// request never reached it, and sending it again on a new connection is safe.
    func failed(_ error: any Error, beforeAnswer: Bool)
}
