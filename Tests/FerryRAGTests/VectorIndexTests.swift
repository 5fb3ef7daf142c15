import FerryCore
import Foundation
@testable import FerryRAG
import Testing

@Suite("Vector index")
struct VectorIndexTests {
    /// Clustered unit vectors, as real embeddings are: 200 centres, each vector a centre plus noise.
    static func vectors(count: Int, dimensions: Int, seed: UInt64) -> [[Float]] {
        var random = SplitMix64(seed: seed)
        func gaussian() -> Float {
            let u = Float(random.next() % 1_000_000 + 1) / 1_000_001, v = Float(random.next() % 1_000_000) / 1_000_000
            return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * v)
        }
        let centres = (0..<200).map { _ in (0..<dimensions).map { _ in gaussian() } }
        return (0..<count).map { index in
            VectorCodec.normalized(centres[index % centres.count].map { $0 + 0.6 * gaussian() })
        }
    }

    @Test("past the bit-scan threshold, the candidates hold the exact nearest neighbours")
    func recallAgainstBruteForce() {
        let vectors = Self.vectors(count: 6000, dimensions: 384, seed: 7)
        let index = VectorIndex(version: 1, rows: (0..<Int64(vectors.count)).map { $0 }, vectors: vectors)
        var found = 0, total = 0
        for queryIndex in stride(from: 0, to: 6000, by: 300) {
            let query = VectorCodec.normalized(vectors[queryIndex].map { $0 + 0.01 })
            let scores = vectors.map { Retriever.cosine(query, $0) }
            let exact = vectors.indices.sorted { scores[$0] > scores[$1] }.prefix(10)
            let candidates = Set(index.candidates(for: query, count: 40, allowed: nil).map(\.position))
            found += exact.filter(candidates.contains).count
            total += exact.count
        }
        #expect(Double(found) / Double(total) >= 0.95, "\(found) of \(total) true neighbours among the candidates")
    }

    @Test("the allowed rows are the only ones returned; an empty index or a wrong-sized query finds nothing")
    func filtersAndEdges() {
        let vectors = Self.vectors(count: 100, dimensions: 32, seed: 3)
        let index = VectorIndex(version: 1, rows: (0..<100).map { Int64($0) }, vectors: vectors)
        let allowed: Set<Int64> = [5, 17, 42]
        let found = index.candidates(for: vectors[5], count: 10, allowed: allowed)
        #expect(Set(found.map { index.rows[$0.position] }) == allowed)
        #expect(index.rows[found[0].position] == 5)
        #expect(VectorIndex(version: 0, rows: [], vectors: []).candidates(for: vectors[0], count: 5, allowed: nil).isEmpty)
        #expect(index.candidates(for: [1, 2, 3], count: 5, allowed: nil).isEmpty)
    }

    @Test("reciprocal-rank fusion rewards agreement")
    func fusion() {
        let fused = Retriever.fuse([[(1, 9), (2, 8), (3, 7)], [(3, 0.9), (1, 0.8), (4, 0.7)]], constant: 60)
        #expect(fused.map(\.row) == [1, 3, 2, 4])
    }
}
