import AsyncHTTPClient
import FerryCore
import FerryWire
import NIOHTTP1

/// What the HTTP providers share: resolving `auto`, completing a model-not-found error with what the backend
/// serves, and the one shape of every call (resolve the model → build the body → send → decode or stream).
protocol HTTPLanguageModel: LanguageModel {
    var backend: BackendClient { get }
    /// The model used for `auto` (nil: the only model the backend serves).
    var defaultModel: String? { get }
    /// The endpoint that lists models, for error locations.
    var modelsPath: String { get }
    /// The model name as this backend wants it (e.g. Gemini drops `models/`).
    func normalizedModel(_ requested: String) -> String
    /// A hint for a model this backend does not have (nil: list the served names).
    func missingModelHint(_ model: String, served: [String]) -> String?
}

extension HTTPLanguageModel {
    func normalizedModel(_ requested: String) -> String { requested }
    func missingModelHint(_ model: String, served: [String]) -> String? { nil }

    /// `auto` (or no name) becomes the default model, or the only model the backend serves.
    func resolveModel(_ requested: String) async throws -> String {
        let name = normalizedModel(requested)
        guard name.isEmpty || name == "auto" else { return name }
        if let defaultModel { return defaultModel }
        let served = try await models().map(\.id)
        guard served.count == 1 else {
            throw FerryError(
                code: .badRequest,
                message: served.isEmpty ? "Model `auto` was asked for, but the backend serves no model" : "Model `auto` is ambiguous: the backend serves \(served.count) models",
                location: backend.location(modelsPath, model: requested),
                hint: served.isEmpty ? "load a model on the server first" : "name one of: \(served.map { "\"\($0)\"" }.joined(separator: ", "))",
                servedModels: served
            )
        }
        return served[0]
    }

    /// Runs `body`; a model-not-found error gets the served models (asked once, best effort) and a hint.
    func diagnosing<Value>(_ model: String, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as FerryError where error.code == .modelNotFound && error.servedModels.isEmpty {
            let served = (try? await models().map(\.id)) ?? []
            var enriched = FerryError.modelNotFound(requested: error.location.model ?? model, served: served, location: error.location, status: error.httpStatus)
            if served.isEmpty { enriched.hint = error.hint }
            if let hint = missingModelHint(model, served: served) { enriched.hint = hint }
            throw enriched
        }
    }

    /// A whole answer: `body` builds the wire request for the resolved model, `decode` reads the answer.
    func call<Body: Encodable, Answer: Decodable, Result>(
        _ path: String, model requested: String, answer: Answer.Type,
        body: (_ model: String) throws -> Body,
        decode: (Answer, ErrorLocation) throws -> Result
    ) async throws -> Result {
        let model = try await resolveModel(requested)
        let wire = try body(model)
        let location = backend.location(path, model: model)
        return try await diagnosing(model) {
            try decode(try await backend.json(answer, .POST, path, body: wire, model: model), location)
        }
    }

    /// A streamed answer, read by the parser `parser` makes for the resolved model.
    func streamCall<Body: Encodable>(
        _ path: String, model requested: String,
        body: (_ model: String) throws -> Body,
        parser: (_ model: String, ErrorLocation) -> some ChatStreamParser
    ) async throws -> ChatEventStream {
        let model = try await resolveModel(requested)
        let wire = try body(model)
        let location = backend.location(path, model: model)
        return try await diagnosing(model) {
            try await backend.stream(path, body: wire, model: model, parser: parser(model, location))
        }
    }

    /// A request of an API the backend serves itself, sent untranslated to its model.
    func forwardNatively(_ request: NativeRequest) async throws -> NativeAnswer {
        let model = try await resolveModel(request.model)
        return try await diagnosing(model) { try await backend.forward(request, model: model) }
    }

    /// A GET answer (model lists).
    func fetch<Answer: Decodable>(_ path: String, as answer: Answer.Type) async throws -> Answer {
        try await backend.json(answer, .GET, path, body: Optional<NoBody>.none, model: nil)
    }
}

extension ChatRequest {
    /// The same request for `model`.
    func with(model: String) -> ChatRequest {
        var copy = self
        copy.model = model
        return copy
    }
}

extension CompletionRequest {
    func with(model: String) -> CompletionRequest {
        var copy = self
        copy.model = model
        return copy
    }
}

extension EmbeddingRequest {
    func with(model: String) -> EmbeddingRequest {
        var copy = self
        copy.model = model
        return copy
    }
}
