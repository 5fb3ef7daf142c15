import FerryWire
import Foundation
import Synchronization

/// The `Date` header of inline answers, formatted at most once a second (Hummingbird's routes keep theirs the same
/// way).
final class HTTPDateCache: Sendable {
    private let cached = Mutex<(second: Int64, text: String)>((.min, ""))

    /// Now, as an IMF-fixdate.
    var now: String {
        let second = Int64(Date().timeIntervalSince1970)
        if let text = cached.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = Timestamps.httpDate(seconds: second)
        cached.withLock { $0 = (second, text) }
        return text
    }
}
