import FerryCore
import FerryRAG
import Foundation

/// Unit vectors for benchmarks, clustered like embeddings (each a centre plus noise); `near()` gives a query close
/// to one already made, so every search has true neighbours to find.
struct SyntheticVectors {
    private var random: SplitMix64
    private let centres: [[Float]]
    private var made: [[Float]] = []
    let dimensions: Int

    init(dimensions: Int, centres count: Int, seed: UInt64) {
        self.dimensions = dimensions
        var random = SplitMix64(seed: seed)
        centres = (0..<count).map { _ in (0..<dimensions).map { _ in Self.gaussian(&random) } }
        self.random = random
    }

    static func gaussian(_ random: inout SplitMix64) -> Float {
        let u = Float(random.next() % 1_000_000 + 1) / 1_000_001, v = Float(random.next() % 1_000_000) / 1_000_000
        return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * v)
    }

    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    mutating func next() -> [Float] {
        let centre = centres[Int(random.next() % UInt64(centres.count))]
        let vector = Self.normalized(centre.map { $0 + 0.7 * Self.gaussian(&random) })
        if made.count < 2000 { made.append(vector) } else { made[Int(random.next() % 2000)] = vector }
        return vector
    }

    mutating func near() -> [Float] {
        let base = made[Int(random.next() % UInt64(max(1, made.count)))]
        return Self.normalized(base.map { $0 + 0.02 * Self.gaussian(&random) })
    }
}

/// The embedder of the benchmark's synthetic collections: a text's vector seeded by its hash (the same text, the
/// same vector), 384 dimensions.
struct SyntheticEmbedder: Embedder {
    static let name = "synthetic-384"
    var modelName: String { Self.name }
    var tokenCounter: (any TokenCounter)? { nil }

    func embed(_ texts: [String], as type: EmbeddingInputType) async throws -> [[Float]] {
        texts.map { text in
            var hash: UInt64 = 1469598103934665603
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
            var random = SplitMix64(seed: hash)
            return SyntheticVectors.normalized((0..<384).map { _ in SyntheticVectors.gaussian(&random) })
        }
    }
}
