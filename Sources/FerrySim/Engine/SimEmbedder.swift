import FerryCore

/// Deterministic embeddings: a unit vector of fixed size seeded by the text, so equal texts get equal vectors
/// and different texts almost surely differ.
public struct SimEmbedder: Sendable {
    public let dimensions: Int
    public let seed: UInt64

    public init(dimensions: Int, seed: UInt64) {
        self.dimensions = dimensions
        self.seed = seed
    }

    public func embed(_ text: String, dimensions requested: Int? = nil) -> [Float] {
        var hash = StableHash()
        hash.combine(seed)
        hash.combine(text)
        var random = SplitMix64(seed: hash.value)
        let size = requested.map { min(max(1, $0), dimensions) } ?? dimensions
        var vector = (0..<size).map { _ in Float(random.nextUnit() * 2 - 1) }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { vector = vector.map { $0 / norm } }
        return vector
    }
}
