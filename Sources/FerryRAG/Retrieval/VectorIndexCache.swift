/// The in-memory vector index of each collection, rebuilt when the store's version of the collection moves on
/// (another process ingested, say). Concurrent searches share one build; retrievers of one store share one cache.
public actor VectorIndexCache {
    private var indexes: [String: VectorIndex] = [:]
    private var building: [String: Task<VectorIndex, any Error>] = [:]

    public init() {}

    func index(of collection: String, version: Int64, store: any RAGStore) async throws -> VectorIndex {
        if let index = indexes[collection], index.version == version { return index }
        if let task = building[collection] {
            let index = try await task.value
            if index.version == version { return index }
        }
        let task = Task {
            let (version, rows, dimensions, vectors) = try await store.allVectors(in: collection)
            return VectorIndex(version: version, rows: rows, dimensions: dimensions, flat: vectors)
        }
        building[collection] = task
        defer { building[collection] = nil }
        let index = try await task.value
        indexes[collection] = index
        return index
    }

    func forget(_ collection: String) {
        indexes[collection] = nil
    }
}
