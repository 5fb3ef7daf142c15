import FerryCore
import FerryRouter
import FerryWire
import Hummingbird

extension Gateway {
    /// The OpenAI API: chat completions (whole and streamed), legacy completions, embeddings, models.
    func addOpenAIRoutes(to routes: Hummingbird.Router<GatewayContext>) {
        routes.post("/v1/chat/completions") { request, context in
            await serve(.openAI, context) {
                let wire = try await decode(OpenAIChatRequest.self, from: request, context: context)
                let chat = try wire.chatRequest()
                if wire.stream == true {
                    return stream(try await router.streamChat(chat), encoder: OpenAIStreamEncoder(kind: .chat, includeUsage: chat.includeUsage), contentType: "text/event-stream")
                }
                return try json(OpenAIChatCompletion(try await router.chat(chat)), context: context)
            }
        }
        routes.post("/v1/completions") { request, context in
            await serve(.openAI, context) {
                let wire = try await decode(OpenAICompletionRequest.self, from: request, context: context)
                let completion = try wire.completionRequest()
                if wire.stream == true {
                    return stream(try await router.streamComplete(completion), encoder: OpenAIStreamEncoder(kind: .completion, includeUsage: completion.includeUsage), contentType: "text/event-stream")
                }
                return try json(OpenAICompletion(try await router.complete(completion)), context: context)
            }
        }
        routes.post("/v1/embeddings") { request, context in
            await serve(.openAI, context) {
                let wire = try await decode(OpenAIEmbeddingRequest.self, from: request, context: context)
                return try json(OpenAIEmbeddingResponse(try await router.embed(try wire.embeddingRequest()), format: wire.encodingFormat), context: context)
            }
        }
        routes.get("/v1/models") { _, context in
            await serve(.openAI, context) {
                try json(OpenAIModelList(try await router.models()), context: context)
            }
        }
    }
}
