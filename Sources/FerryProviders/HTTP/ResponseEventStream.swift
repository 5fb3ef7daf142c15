import AsyncHTTPClient
import FerryCore
import FerryWire
import NIOCore

/// Turns a streamed response body into ``ChatEvent``s, pulled one at a time: the body is read only as fast as
/// the caller consumes events, so nothing is buffered beyond one chunk's events. Failures while reading (a
/// dropped connection, a malformed chunk, cancellation) end the stream with an in-band `.error`.
enum ResponseEventStream {
    static func events(from body: HTTPClientResponse.Body, parser: some ChatStreamParser, location: ErrorLocation) -> ChatEventStream {
        let state = PullState(iterator: body.makeAsyncIterator(), parser: parser, location: location)
        return ChatEventStream(unfolding: { await state.next() })
    }

    /// The reading state; only ever touched by one `next()` at a time (AsyncThrowingStream's unfolding contract).
    private final class PullState<Parser: ChatStreamParser>: @unchecked Sendable {
        private var iterator: HTTPClientResponse.Body.AsyncIterator
        private var parser: Parser
        private let location: ErrorLocation
        private var pending: [ChatEvent] = []
        private var head = 0
        private var bodyDone = false
        private var ended = false

        init(iterator: HTTPClientResponse.Body.AsyncIterator, parser: Parser, location: ErrorLocation) {
            self.iterator = iterator
            self.parser = parser
            self.location = location
        }

        func next() async -> ChatEvent? {
            while head == pending.count {
                if bodyDone || ended { return nil }
                pending.removeAll(keepingCapacity: true)
                head = 0
                do {
                    if let chunk = try await iterator.next() {
                        try parser.feed(chunk) { pending.append($0) }
                    } else {
                        bodyDone = true
                        try parser.finish { pending.append($0) }
                    }
                } catch {
                    bodyDone = true
                    pending.append(.error(TransportErrors.ferryError(for: error, location: location, startHint: "")))
                }
            }
            guard !ended else { return nil }
            let event = pending[head]
            head += 1
            switch event {
            case .finish, .error: ended = true
            default: break
            }
            return event
        }
    }
}
