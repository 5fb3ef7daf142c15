import FerryCore
import Foundation

/// Finds the passages for a query: BM25 over the index form, vector search (bit scan, int8 ranking, exact
/// rescoring), or both fused by reciprocal rank (k = 60); optional maximal marginal relevance; filters by
/// document path glob and metadata.
///
/// ```swift
/// let retriever = Retriever(store: store, embedder: embedder)
/// let found = try await retriever.search(SearchRequest(query: "ما هي شروط اللحية؟", collection: "manuals"))
/// for hit in found.results { print(hit.chunk.document, hit.chunk.page ?? 0, hit.score) }
/// ```
public struct Retriever: Sendable {
    public let store: any RAGStore
    public let embedder: (any Embedder)?
    private let cache: VectorIndexCache
    /// The rank constant of reciprocal-rank fusion.
    public var fusionConstant: Double = 60

    /// `cache`: the vector indexes, to share between retrievers of one store (a new one builds them again).
    public init(store: any RAGStore, embedder: (any Embedder)?, cache: VectorIndexCache = VectorIndexCache()) {
        self.store = store
        self.embedder = embedder
        self.cache = cache
    }

    public func search(_ request: SearchRequest) async throws -> SearchResponse {
        guard !request.query.trimmingWhitespace().isEmpty else {
            throw FerryError.invalidRequest("must not be empty", field: "query")
        }
        guard (1...1000).contains(request.topK) else {
            throw FerryError.invalidRequest("must be between 1 and 1000, got \(request.topK)", field: "top_k")
        }
        guard let collection = try await store.descriptor(of: request.collection) else {
            throw RAGError.noCollection(request.collection, known: try await store.collections().map(\.name))
        }
        var mode = request.mode
        var notice: String?
        if mode != .lexical, request.queryVector == nil {
            if collection.embeddingModel == nil {
                notice = "lexical search only: the collection `\(collection.name)` has no vectors (it was ingested without an embedding model)"
                mode = .lexical
            } else if let embedder, embedder.modelName != collection.embeddingModel {
                throw RAGError.modelMismatch(collection: collection.name, recorded: collection.embeddingModel!, recordedDimensions: collection.dimensions, requested: embedder.modelName, requestedDimensions: nil)
            } else if embedder == nil {
                notice = "lexical search only: no embedding model is available to embed the query (the collection was embedded with \(collection.embeddingModel!))"
                mode = .lexical
            }
        }

        let clock = ContinuousClock()
        var embedTime = Duration.zero
        var queryVector = request.queryVector.map(VectorCodec.normalized)
        if mode != .lexical, queryVector == nil, let embedder {
            let begun = clock.now
            queryVector = try await embedder.embed([request.query], as: .query).first.map(VectorCodec.normalized)
            embedTime = clock.now - begun
        }
        let begun = clock.now
        let pool = max(request.topK * 5, 50)
        // The lexical and the vector search run at once (SQLite's reader and the in-memory index).
        async let lexicalResults = mode == .vector ? [] : store.lexicalSearch(QueryTerms.terms(request.query), in: collection.name, filters: request.filters, limit: pool)
        var vector: [(row: Int64, score: Double)] = []
        if let queryVector {
            let count = mode == .vector ? max(request.topK * 2, 20) : pool
            if let found = try await store.nearest(queryVector, in: collection, count: count, filters: request.filters) {
                vector = found
            } else {
                let allowed = try await store.rows(in: collection.name, matching: request.filters)
                vector = try await vectorSearch(queryVector, collection: collection, count: count, allowed: allowed)
            }
        }
        let lexical = try await lexicalResults
        var ranked: [(row: Int64, score: Double)]
        switch mode {
        case .lexical: ranked = lexical
        case .vector: ranked = vector
        case .hybrid: ranked = Self.fuse([lexical, vector], constant: fusionConstant)
        }
        if let lambda = request.mmrLambda, ranked.count > request.topK {
            ranked = try await diversify(ranked, query: queryVector, lambda: lambda, count: request.topK)
        }
        ranked = Array(ranked.prefix(request.topK))
        let chunks = try await store.chunks(rows: ranked.map(\.row))
        let scores = Dictionary(ranked.map { ($0.row, $0.score) }, uniquingKeysWith: { first, _ in first })
        let searchTime = clock.now - begun
        return SearchResponse(
            results: chunks.map { SearchResponse.Hit(chunk: $0, score: scores[$0.rowID] ?? 0) },
            mode: mode, notice: notice,
            embedMilliseconds: embedTime.seconds * 1000, searchMilliseconds: searchTime.seconds * 1000
        )
    }

    /// Nearest chunks by cosine: candidates from the in-memory index, rescored exactly with the stored vectors.
    func vectorSearch(_ query: [Float], collection: CollectionDescriptor, count: Int, allowed: Set<Int64>?) async throws -> [(row: Int64, score: Double)] {
        let index = try await cache.index(of: collection.name, version: collection.version, store: store)
        let candidates = index.candidates(for: query, count: max(count * 2, 40), allowed: allowed)
        let exact = try await store.vectors(rows: candidates.map { index.rows[$0.position] })
        var scored = candidates.map { candidate -> (row: Int64, score: Double) in
            let row = index.rows[candidate.position]
            guard let vector = exact[row] else { return (row, Double(candidate.score)) }
            return (row, Double(Self.cosine(query, vector)))
        }
        scored.sort { $0.score > $1.score }
        return Array(scored.prefix(count))
    }

    /// Reciprocal-rank fusion: each list adds 1 / (k + rank) for each row it holds.
    static func fuse(_ lists: [[(row: Int64, score: Double)]], constant: Double) -> [(row: Int64, score: Double)] {
        var fused: [Int64: Double] = [:]
        var order: [Int64] = []
        for list in lists {
            for (rank, item) in list.enumerated() {
                if fused[item.row] == nil { order.append(item.row) }
                fused[item.row, default: 0] += 1 / (constant + Double(rank + 1))
            }
        }
        return order.map { ($0, fused[$0]!) }.sorted { $0.score > $1.score }
    }

    /// Maximal marginal relevance over the ranked rows: each pick maximises λ·relevance − (1−λ)·similarity to those
    /// already picked; relevance is the cosine to the query when there is one, else the rank's score scaled to 0…1.
    func diversify(_ ranked: [(row: Int64, score: Double)], query: [Float]?, lambda: Double, count: Int) async throws -> [(row: Int64, score: Double)] {
        let vectors = try await store.vectors(rows: ranked.map(\.row)).mapValues(VectorCodec.normalized)
        guard !vectors.isEmpty else { return ranked }
        let top = ranked.first?.score ?? 1
        let relevance = ranked.map { item -> Double in
            if let query, let vector = vectors[item.row] { return Double(Self.cosine(query, vector)) }
            return top > 0 ? item.score / top : 0
        }
        var picked: [Int] = []
        var left = Array(ranked.indices)
        while picked.count < count, !left.isEmpty {
            var best = left[0]
            var bestValue = -Double.infinity
            for candidate in left {
                var similarity = 0.0
                if let vector = vectors[ranked[candidate].row] {
                    for chosen in picked {
                        if let other = vectors[ranked[chosen].row] { similarity = max(similarity, Double(Self.cosine(vector, other))) }
                    }
                }
                let value = lambda * relevance[candidate] - (1 - lambda) * similarity
                if value > bestValue {
                    bestValue = value
                    best = candidate
                }
            }
            picked.append(best)
            left.removeAll { $0 == best }
        }
        return picked.map { ranked[$0] }
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return 0 }
        var dot: Float = 0, normA: Float = 0, normB: Float = 0
        for index in 0..<a.count {
            dot += a[index] * b[index]
            normA += a[index] * a[index]
            normB += b[index] * b[index]
        }
        guard normA > 0, normB > 0 else { return 0 }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }
}
