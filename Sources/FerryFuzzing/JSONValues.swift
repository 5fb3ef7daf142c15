import Foundation

/// Equality of values read by `JSONSerialization`: the same canonical JSON (sorted keys) when written again.
enum JSONValues {
    static func equal(_ a: Any, _ b: Any) -> Bool {
        canonical(a).map { $0 == canonical(b) } ?? false
    }

    static func canonical(_ value: Any) -> Data? {
        try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    }
}
