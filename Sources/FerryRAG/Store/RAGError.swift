import FerryCore

/// The errors of documents and retrieval a user can hit, as ``FerryError``s that say what to do.
enum RAGError {
    static func modelMismatch(collection: String, recorded: String, recordedDimensions: Int?, requested: String, requestedDimensions: Int?) -> FerryError {
        let was = recordedDimensions.map { "\(recorded) (\($0) dimensions)" } ?? recorded
        let now = requestedDimensions.map { "\(requested) (\($0) dimensions)" } ?? requested
        return FerryError(
            code: .badRequest,
            message: "The collection `\(collection)` was embedded with \(was), not \(now): its vectors cannot be compared",
            hint: "use the embedding model \(recorded) (rag.embedding), or ingest into another collection (--collection NAME), or delete this one (`ferry collections delete \(collection)`)",
            field: "collection"
        )
    }

    static func noCollection(_ name: String, known: [String]) -> FerryError {
        FerryError(
            code: .badRequest,
            message: "There is no collection `\(name)`\(known.isEmpty ? " (nothing has been ingested yet)" : "; there are: \(known.joined(separator: ", "))")",
            hint: known.isEmpty ? "ingest documents first: `ferry ingest PATH`" : "name one of them with --collection (or \"collection\")",
            field: "collection"
        )
    }
}
