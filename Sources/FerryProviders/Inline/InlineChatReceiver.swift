import FerryCore
import NIOCore

/// What an ``InlineChatCall`` reports to, always on the event loop it was started on.
///
/// A whole answer ends with ``received(answer:)`` or ``failed(_:)``; a stream reports each body part's events with
/// ``received(event:)``, then ``endOfPart()``, and ends with a `.finish` or `.error` event, or ``failed(_:)`` when
/// the backend answered with an error status or could not be reached.
public protocol InlineChatReceiver: AnyObject {
    func received(answer: ChatResponse)
    func received(event: ChatEvent)
    /// A text delta as ASCII bytes that need no JSON escaping (see ``ChatStreamParser/feed(_:text:_:)``), valid
    /// only during the call: what `received(event: .textDelta(…))` would say, with no string made.
    func received(text: UnsafeRawBufferPointer)
    /// Every event of the body part just read has been handed over; the next part is read when the returned
    /// future completes (backpressure from the client's connection), or at once for nil.
    func endOfPart() -> EventLoopFuture<Void>?
    func failed(_ error: FerryError)
}
