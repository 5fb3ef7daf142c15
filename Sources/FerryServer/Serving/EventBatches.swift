import FerryCore
import Synchronization

/// A routed stream's events, pulled by a task of their own and handed over in batches: every event that arrived
/// while the previous batch was being written. The routes write a stream with one write (one flush, one system
/// call) per batch instead of one per event — what an upstream chunk brings at once goes out at once — and a slow
/// stream is written event by event as before, nothing held back. At most `limit` events wait (the pulling task
/// waits beyond it); ``stop()`` — when the client leaves, or the stream is written — cancels the pulling, which
/// stops the backend's request.
///
/// ```swift
/// let batches = EventBatches.start(routed.value)
/// defer { batches.stop() }
/// while let batch = try await batches.next() { /* encode them all, write once */ }
/// ```
final class EventBatches: Sendable {
    private struct State {
        var events: [ChatEvent] = []
        var ended = false
        var failure: (any Error)?
        /// The writer, waiting for events.
        var consumer: CheckedContinuation<Void, Never>?
        /// The pulling task, waiting for room.
        var producer: CheckedContinuation<Void, Never>?
        var task: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let limit: Int

    private init(limit: Int) {
        self.limit = limit
    }

    /// Starts pulling `events`.
    static func start(_ events: ChatEventStream, limit: Int = 256) -> EventBatches {
        let batches = EventBatches(limit: limit)
        let task = Task { await batches.pull(events) }
        let cancel = batches.state.withLock { state -> Bool in
            state.task = task
            return state.ended
        }
        if cancel { task.cancel() }
        return batches
    }

    private func pull(_ events: ChatEventStream) async {
        do {
            for try await event in events {
                guard await put(event) else { return }
            }
            end(failure: nil)
        } catch {
            end(failure: error)
        }
    }

    /// Adds an event; false once the batches were stopped.
    private func put(_ event: ChatEvent) async -> Bool {
        let (consumer, full, stopped) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool, Bool) in
            guard !state.ended else { return (nil, false, true) }
            state.events.append(event)
            defer { state.consumer = nil }
            return (state.consumer, state.events.count >= limit, false)
        }
        consumer?.resume()
        if stopped { return false }
        guard full else { return true }
        await withCheckedContinuation { continuation in
            let resume = state.withLock { state -> Bool in
                guard !state.ended, state.events.count >= limit else { return true }
                state.producer = continuation
                return false
            }
            if resume { continuation.resume() }
        }
        return !state.withLock(\.ended)
    }

    private func end(failure: (any Error)?) {
        let consumer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if !state.ended {
                state.ended = true
                state.failure = failure
            }
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume()
    }

    /// The events that arrived since the last batch, waiting for one when there are none; nil at the end of the
    /// stream; the stream's error once its events are taken.
    func next() async throws -> [ChatEvent]? {
        while true {
            let taken = state.withLock { state -> (events: [ChatEvent], producer: CheckedContinuation<Void, Never>?, ended: Bool, failure: (any Error)?) in
                let events = state.events
                state.events = []
                defer { state.producer = nil }
                return (events, state.producer, state.ended, state.ended && events.isEmpty ? state.failure : nil)
            }
            taken.producer?.resume()
            if !taken.events.isEmpty { return taken.events }
            if let failure = taken.failure { throw failure }
            if taken.ended { return nil }
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    guard state.events.isEmpty, !state.ended else { return true }
                    state.consumer = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// Stops pulling (the stream is written, or the client left): the task is cancelled and nothing more is kept.
    func stop() {
        let (task, producer, consumer) = state.withLock { state -> (Task<Void, Never>?, CheckedContinuation<Void, Never>?, CheckedContinuation<Void, Never>?) in
            state.ended = true
            state.events = []
            defer {
                state.producer = nil
                state.consumer = nil
            }
            return (state.task, state.producer, state.consumer)
        }
        task?.cancel()
        producer?.resume()
        consumer?.resume()
    }
}
