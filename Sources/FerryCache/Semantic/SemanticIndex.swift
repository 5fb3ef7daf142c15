import Synchronization

/// The semantic cache's memory: for each context (route, tenant, system prompt, tools, sampling), the vectors of the
/// questions answered and the keys of their answers; a new question within `threshold` (cosine) of one of them gets
/// that answer. In this process only (not shared between instances), bounded per context, oldest out first.
///
/// ```swift
/// index.add(context: context, vector: vector, digest: key.digest)
/// if let match = index.nearest(context: context, vector: other, threshold: 0.95) { /* look match.digest up */ }
/// ```
public final class SemanticIndex: Sendable {
    public let maxPerContext: Int

    private struct Item {
        var vector: [Float]
        var digest: String
    }

    private let items = Mutex([String: [Item]]())

    public init(maxPerContext: Int = 10_000) {
        self.maxPerContext = maxPerContext
    }

    /// The key of the closest stored question at or above `threshold`, with its similarity.
    public func nearest(context: String, vector: [Float], threshold: Double) -> (digest: String, similarity: Double)? {
        let query = Self.normalized(vector)
        return items.withLock { items in
            var best: (digest: String, similarity: Double)?
            for item in items[context] ?? [] where item.vector.count == query.count {
                var dot: Float = 0
                for index in query.indices { dot += query[index] * item.vector[index] }
                if Double(dot) >= threshold, Double(dot) > best?.similarity ?? -2 { best = (item.digest, Double(dot)) }
            }
            return best
        }
    }

    public func add(context: String, vector: [Float], digest: String) {
        let item = Item(vector: Self.normalized(vector), digest: digest)
        items.withLock { items in
            items[context, default: []].append(item)
            if let count = items[context]?.count, count > maxPerContext { items[context]?.removeFirst(count - maxPerContext) }
        }
    }

    public func removeAll() {
        items.withLock { $0.removeAll() }
    }

    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
