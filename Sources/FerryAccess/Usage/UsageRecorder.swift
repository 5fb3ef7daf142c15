import Synchronization

/// Usage counted in memory as requests end — one dictionary update under a lock, no I/O on the request's path —
/// and taken in batches by ``AccessControl``, which writes them to the store each second.
final class UsageRecorder: Sendable {
    private let pending = Mutex<[UsageRecord.Key: UsageRecord.Counts]>([:])

    func record(_ key: UsageRecord.Key, _ counts: UsageRecord.Counts) {
        pending.withLock { $0[key, default: UsageRecord.Counts()] += counts }
    }

    /// Everything counted since the last call.
    func take() -> [UsageRecord] {
        let taken = pending.withLock { pending in
            defer { pending = [:] }
            return pending
        }
        return taken.map { UsageRecord(key: $0.key, counts: $0.value) }
    }

    /// Puts back records a failed write did not store, to try again with the next batch.
    func putBack(_ records: [UsageRecord]) {
        pending.withLock { pending in
            for record in records { pending[record.key, default: UsageRecord.Counts()] += record.counts }
        }
    }
}
