extension Ingestor {
    /// An ingest job's life, as data: files are read one at a time into a group; a full group — by files or by
    /// passages — or the last file's is embedded and written; then, with `--sync`, documents whose files are gone
    /// are removed; then it is finished. Events return what the ingest carries out next.
    ///
    /// ```swift
    /// var machine = Ingestor.StateMachine(files: 3, groupFiles: 16, groupChunks: 128, sync: false)
    /// machine.start()              // .read
    /// machine.read(pending)        // .read, or .write(group) when it is full
    /// ```
    struct StateMachine {
        enum State {
            /// Reading the next file; `group` waits for its vectors.
            case reading(group: [Pending], chunks: Int, filesLeft: Int)
            /// A group is being embedded and written.
            case writing(filesLeft: Int)
            case syncing
            case finished
        }

        enum Action {
            case read
            case write([Pending])
            case sync
            case finish
        }

        private(set) var state: State
        let groupFiles: Int
        let groupChunks: Int
        let sync: Bool

        init(files: Int, groupFiles: Int, groupChunks: Int, sync: Bool) {
            state = .reading(group: [], chunks: 0, filesLeft: files)
            self.groupFiles = max(1, groupFiles)
            self.groupChunks = max(1, groupChunks)
            self.sync = sync
        }

        mutating func start() -> Action {
            guard case .reading(let group, let chunks, let filesLeft) = state, group.isEmpty, chunks == 0 else {
                preconditionFailure("start in \(state)")
            }
            return next(group: [], chunks: 0, filesLeft: filesLeft)
        }

        /// A file was read: `pending` when it is to be written, nil when it was skipped or unchanged.
        mutating func read(_ pending: Pending?) -> Action {
            guard case .reading(var group, var chunks, let filesLeft) = state, filesLeft > 0 else {
                preconditionFailure("a file read in \(state)")
            }
            if let pending {
                group.append(pending)
                chunks += pending.chunks.count
            }
            if group.count >= groupFiles || chunks >= groupChunks {
                state = .writing(filesLeft: filesLeft - 1)
                return .write(group)
            }
            return next(group: group, chunks: chunks, filesLeft: filesLeft - 1)
        }

        /// The group handed out with `.write` is written.
        mutating func written() -> Action {
            guard case .writing(let filesLeft) = state else { preconditionFailure("a group written in \(state)") }
            return next(group: [], chunks: 0, filesLeft: filesLeft)
        }

        mutating func synced() -> Action {
            guard case .syncing = state else { preconditionFailure("synced in \(state)") }
            state = .finished
            return .finish
        }

        private mutating func next(group: [Pending], chunks: Int, filesLeft: Int) -> Action {
            if filesLeft > 0 {
                state = .reading(group: group, chunks: chunks, filesLeft: filesLeft)
                return .read
            }
            if !group.isEmpty {
                state = .writing(filesLeft: 0)
                return .write(group)
            }
            if sync {
                state = .syncing
                return .sync
            }
            state = .finished
            return .finish
        }
    }
}
