import FerryCore

/// Holds a stream's iterator so one attempt's task and then the committed stream can pull from it in turn.
/// Only ever used by one `next()` at a time.
final class IteratorBox: @unchecked Sendable {
    private var iterator: ChatEventStream.AsyncIterator

    init(_ iterator: ChatEventStream.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws -> ChatEvent? {
        try await iterator.next()
    }
}
