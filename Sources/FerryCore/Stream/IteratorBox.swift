/// Holds a stream's iterator so it can be pulled from a closure or handed from one task to the next (an attempt's
/// task, then the committed stream; a wrapping stream's unfolding closure). Only ever used by one `next()` at a
/// time — the one consumer of the one stream.
///
/// ```swift
/// let box = IteratorBox(events.makeAsyncIterator())
/// let forwarded = ChatEventStream { try await box.next() }
/// ```
public final class IteratorBox: @unchecked Sendable {
    private var iterator: ChatEventStream.AsyncIterator

    public init(_ iterator: ChatEventStream.AsyncIterator) {
        self.iterator = iterator
    }

    public func next() async throws -> ChatEvent? {
        try await iterator.next()
    }
}
