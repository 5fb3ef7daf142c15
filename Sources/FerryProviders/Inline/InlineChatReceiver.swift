import FerryCore
import NIOCore

/// What an ``InlineChatCall`` reports to, always on the event loop it was started on.
///
/// A whole answer ends with ``received(answer:)`` (or ``received(openAIAnswer:usage:)``) or ``failed(_:)``; a stream reports each body part's events with
/// ``received(event:)``, then ``endOfPart()``, and ends with a `.finish` or `.error` event, or ``failed(_:)`` when
/// the backend answered with an error status or could not be reached.
public protocol InlineChatReceiver: AnyObject {
    /// Whether a whole answer the backend wrote in OpenAI's chat completion form may come as its own bytes, with
    /// ``received(openAIAnswer:usage:)``, instead of decoded: for a receiver that writes OpenAI's form itself.
    var takesOpenAIAnswers: Bool { get }
    func received(answer: ChatResponse)
    /// A whole answer in OpenAI's chat completion form, checked by ``OpenAIChatCompletionSummary`` but not decoded:
    /// `body` is the backend's, to be forwarded as it stands.
    func received(openAIAnswer body: ByteBuffer, usage: Usage?)
    func received(event: ChatEvent)
    /// A text delta as ASCII bytes that need no JSON escaping (see ``ChatStreamParser/feed(_:text:_:)``), valid
    /// only during the call: what `received(event: .textDelta(…))` would say, with no string made.
    func received(text: UnsafeRawBufferPointer)
    /// Every event of the body part just read has been handed over; the next part is read when the returned
    /// future completes (backpressure from the client's connection), or at once for nil.
    func endOfPart() -> EventLoopFuture<Void>?
    func failed(_ error: FerryError)
}
