import FerryCore
import FerryRouter
import FerryWire
import Foundation
import Hummingbird

extension Gateway {
    /// The Ollama API (`GET /` is the web routes': a browser gets the page there): chat, generate, embed (NDJSON streaming by default, like Ollama), tags, show, ps, version.
    func addOllamaRoutes(to routes: Hummingbird.Router<GatewayContext>) {
        routes.post("/api/chat") { [self] request, context in
            await serve(.ollama, context) { try await chat(.ollama, request, context: context) }
        }
        routes.post("/api/generate") { [self] request, context in
            await serve(.ollama, context) {
                let begun = ContinuousClock.now
                let wire = try await decode(OllamaGenerateRequest.self, from: request, context: context)
                var completion = try wire.completionRequest()
                completion.model = routeName(completion.model)
                try authorize(completion.model, context: context)
                let encoder = OllamaStreamEncoder(kind: .generate)  // made before routing: the durations start here
                let routed = try await router.routedStreamComplete(completion)
                if wire.stream ?? true {
                    return stream(routed, encoder: encoder, contentType: "application/x-ndjson", context: context)
                }
                // Whole answers too are read from the backend's stream: their durations split at the first token.
                let (_, assembler) = try await assembled(routed)
                let timings = OllamaTimings(begun: begun, firstToken: assembler.firstTokenAt, load: assembler.loadDuration)
                return try json(routed, context: context) { _ in OllamaGenerateResponse(assembler.completionResponse(), timings: timings) }
            }
        }
        routes.post("/api/embed") { [self] request, context in
            await serve(.ollama, context) {
                let wire = try await decode(OllamaEmbedRequest.self, from: request, context: context)
                var embedding = try wire.embeddingRequest()
                embedding.model = routeName(embedding.model)
                try authorize(embedding.model, context: context)
                return try await cachedEmbedding(embedding, request: request, context: context) { OllamaEmbedResponse($0) }
            }
        }
        routes.get("/api/tags") { [self] _, context in
            await serve(.ollama, context) {
                try json(OllamaTagsResponse(models: try await router.models().map { model in
                    OllamaTagsResponse.Model(name: model.id, modifiedAt: Timestamps.rfc3339(), size: nil, digest: nil, details: nil)
                }), context: context)
            }
        }
        routes.get("/api/ps") { [self] _, context in
            await serve(.ollama, context) {
                try json(OllamaPsResponse(models: try await router.models().map { model in
                    OllamaPsResponse.Model(name: model.id, size: nil, digest: nil, details: nil, expiresAt: nil, sizeVRAM: nil, contextLength: nil)
                }), context: context)
            }
        }
        routes.post("/api/show") { [self] request, context in
            await serve(.ollama, context) {
                let wire = try await decode(OllamaShowRequest.self, from: request, context: context)
                guard let requested = wire.requestedModel, !requested.isEmpty else {
                    throw FerryError.invalidRequest("model is required", field: "model")
                }
                let route = try router.route(for: routeName(requested))
                return try json(OllamaShowResponse(
                    modelfile: nil, parameters: nil, template: nil,
                    details: OllamaModelDetails(format: nil, family: "ferry", parameterSize: nil, quantizationLevel: nil),
                    modelInfo: ["ferry.route": .string(route.name), "ferry.backends": .array(route.backends.map { .string($0.name) })],
                    capabilities: ["completion", "tools"], modifiedAt: Timestamps.rfc3339()
                ), context: context)
            }
        }
        routes.get("/api/version") { [self] _, context in
            await serve(.ollama, context) { try json(OllamaVersionResponse(version: "0.12.0"), context: context) }
        }
    }

    /// Ollama clients add `:latest` to names without a tag; routes are named without it.
    func routeName(_ requested: String) -> String {
        Self.routeName(requested, router: router)
    }

    static func routeName(_ requested: String, router: FerryRouter.Router) -> String {
        if (try? router.route(for: requested)) != nil { return requested }
        if requested.hasSuffix(":latest") { return String(requested.dropLast(":latest".count)) }
        return requested
    }
}
