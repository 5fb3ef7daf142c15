import FerryCore

/// Shared model-name logic: `auto` resolution, and completing a model-not-found error with what is served.
enum ModelResolution {
    /// The one model a backend serves; an error naming them all when there are several or none.
    static func onlyServed(by backend: String, location: ErrorLocation, list: () async throws -> [String]) async throws -> String {
        let served = try await list()
        guard served.count == 1 else {
            throw FerryError(
                code: .badRequest,
                message: served.isEmpty ? "Model `auto` was asked for, but the backend serves no model" : "Model `auto` is ambiguous: the backend serves \(served.count) models",
                location: location,
                hint: served.isEmpty ? "load a model on the server first" : "name one of: \(served.map { "\"\($0)\"" }.joined(separator: ", "))",
                servedModels: served
            )
        }
        return served[0]
    }

    /// Runs `body`; when it fails with `modelNotFound`, the error gets the served models (asked once, best
    /// effort) and a hint naming them.
    static func diagnosing<Value>(_ model: String, list: () async throws -> [String], body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as FerryError where error.code == .modelNotFound && error.servedModels.isEmpty {
            let served = (try? await list()) ?? []
            var enriched = FerryError.modelNotFound(requested: error.location.model ?? model, served: served, location: error.location, status: error.httpStatus)
            if served.isEmpty { enriched.hint = error.hint }
            throw enriched
        }
    }
}
