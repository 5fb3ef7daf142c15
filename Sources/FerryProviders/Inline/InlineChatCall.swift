import AsyncHTTPClient
import FerryCore
import FerryWire
import NIOCore
import NIOHTTP1

/// One chat request to an HTTP backend, ready to be sent from an event loop: a pooled connection of that same loop
/// carries it when one is idle, and the answer is decoded on that loop, so no task is made and, most of the time,
/// no thread crossed.
///
/// ```swift
/// if let call = try provider.inlineChat(request, stream: false) {
///     let task = call.start(on: channel.eventLoop, receiver: exchange)
///     // exchange.received(answer:) or exchange.failed(_:) follows on channel.eventLoop; task.cancel() stops it
/// }
/// ```
public struct InlineChatCall: Sendable {
    let http: ProviderHTTPClient
    let request: HTTPClient.Request
    public let location: ErrorLocation
    let startHint: String
    let readError: BackendClient.ErrorReader
    /// Reads a whole answer.
    let answer: @Sendable (ByteBuffer, ErrorLocation) throws -> ChatResponse
    /// Reads a stream (nil: a whole answer is asked for).
    let parser: (any ChatStreamParser)?

    /// Whether the backend streams its answer.
    public var streams: Bool { parser != nil }

    /// Sends the request on `eventLoop` (which must belong to the client's event loop group); everything the
    /// receiver hears comes on that loop.
    public func start(on eventLoop: any EventLoop, receiver: some InlineChatReceiver) -> InlineChatTask {
        let delegate = InlineChatDelegate(call: self, eventLoop: eventLoop, receiver: receiver)
        // The loop is preferred for the connection, not required: AsyncHTTPClient closes connections opened for a
        // required loop as soon as they fall idle, which would cost a connect per request under load.
        let task = http.client.execute(request: request, delegate: delegate, eventLoop: .delegate(on: eventLoop))
        return InlineChatTask(cancel: { task.cancel() })
    }

    /// Whether `eventLoop` is one the client can send from (the gateway and the client share the process's
    /// event loops unless configured otherwise).
    public func canStart(on eventLoop: any EventLoop) -> Bool {
        http.eventLoops.contains(ObjectIdentifier(eventLoop))
    }

    func transportError(_ error: any Error) -> FerryError {
        TransportErrors.ferryError(for: error, location: location, startHint: startHint)
    }
}

/// A started ``InlineChatCall``.
public struct InlineChatTask: Sendable {
    let cancel: @Sendable () -> Void

    /// Stops the call: the receiver hears `failed` with a cancellation, unless it already heard the end.
    public func cancelCall() { cancel() }
}
