import FerryCore

extension HTTPLanguageModel {
    /// The model to send without asking the server: the requested one, or the configured default for `auto`;
    /// nil when only the server can say (``resolveModel(_:)`` asks it).
    func modelWithoutAsking(_ requested: String) -> String? {
        let name = normalizedModel(requested)
        return name.isEmpty || name == "auto" ? defaultModel : name
    }

    /// What ``diagnosing(_:_:)`` adds to an unknown model's error, for a call made inline.
    func diagnosing(_ error: FerryError, model: String) async -> FerryError {
        do {
            try await diagnosing(model) { () async throws -> Void in throw error }
            return error
        } catch let enriched as FerryError {
            return enriched
        } catch {
            return FerryError.streamInterrupted("\(error)", location: ErrorLocation(backend: name))
        }
    }
}
