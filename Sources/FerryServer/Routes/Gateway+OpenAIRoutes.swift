import FerryCore
import FerryRouter
import FerryWire
import Hummingbird

extension Gateway {
    /// The OpenAI API: chat completions (whole and streamed), legacy completions, embeddings, models.
    func addOpenAIRoutes(to routes: Hummingbird.Router<GatewayContext>) {
        routes.post("/v1/chat/completions") { [self] request, context in
            await serve(.openAI, context) { try await chat(.openAI, request, context: context) }
        }
        routes.post("/v1/completions") { [self] request, context in
            await serve(.openAI, context) {
                let wire = try await decode(OpenAICompletionRequest.self, from: request, context: context)
                let completion = try wire.completionRequest()
                try authorize(completion.model, context: context)
                if let cache { return try await cachedCompletion(completion, streams: wire.stream == true, request: request, context: context, cache: cache) }
                if wire.stream == true {
                    return stream(try await router.routedStreamComplete(completion), encoder: OpenAIStreamEncoder(kind: .completion, includeUsage: completion.includeUsage), contentType: "text/event-stream", context: context)
                }
                return try json(try await router.routedComplete(completion), context: context) { OpenAICompletion($0) }
            }
        }
        routes.post("/v1/embeddings") { [self] request, context in
            await serve(.openAI, context) {
                let wire = try await decode(OpenAIEmbeddingRequest.self, from: request, context: context)
                let embedding = try wire.embeddingRequest()
                try authorize(embedding.model, context: context)
                return try await cachedEmbedding(embedding, request: request, context: context) { OpenAIEmbeddingResponse($0, format: wire.encodingFormat) }
            }
        }
        routes.get("/v1/models") { [self] _, context in
            await serve(.openAI, context) {
                try json(OpenAIModelList(try await router.models()), context: context)
            }
        }
    }
}
