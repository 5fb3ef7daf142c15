import Synchronization

/// The last lines a managed process wrote, for error messages.
final class LogTail: Sendable {
    private let lines = Mutex<[String]>([])
    private let capacity: Int

    init(capacity: Int = 20) { self.capacity = capacity }

    func append(_ line: String) {
        lines.withLock { lines in
            lines.append(line.count > 400 ? String(line.prefix(400)) + "…" : line)
            if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
        }
    }

    /// The last `count` lines.
    func last(_ count: Int) -> [String] { lines.withLock { Array($0.suffix(count)) } }
}
