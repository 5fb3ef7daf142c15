import FerryCore
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird

extension SimServer {
    /// vLLM's OpenAI-compatible server: `/v1/*` plus `/health`, `/version`, `/metrics`, `/tokenize`, `/rerank`.
    func addOpenAIRoutes(to router: Router<SimRequestContext>) {
        // vLLM serves Anthropic's Messages API and OpenAI's Responses API beside chat completions.
        addMessagesRoutes(to: router)
        addResponsesRoutes(to: router)
        router.get("/health") { _, context -> Response in
            try await admitOther(context)
            return Response(status: .ok)
        }
        router.get("/version") { _, context -> Response in
            try await admitOther(context)
            return try json(["version": "0.11.0+ferrysim"])
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: await prometheusText())))
        }
        router.get("/v1/models") { _, context -> Response in
            try await admitOther(context)
            let created = Timestamps.nowSeconds()
            return try json(OpenAIModelList(data: configuration.models.map {
                .init(id: $0, created: created, ownedBy: "vllm", maxModelLen: configuration.contextLength, root: $0)
            }))
        }
        router.post("/tokenize") { request, context -> Response in
            let body = try await decode(TokenizeRequest.self, from: request, context: context)
            let tokens: [String]
            if let messages = body.messages {
                let chat = try validated { try OpenAIChatRequest(model: body.model ?? "", messages: messages).messagesOnly() }
                tokens = SimTokenizer.tokens(chat)
            } else {
                tokens = SimTokenizer.tokens(body.prompt ?? "")
            }
            return try json(TokenizeResponse(count: tokens.count, maxModelLen: configuration.contextLength, tokens: tokens.map(SimTokenizer.id)))
        }
        router.post("/v1/chat/completions") { request, context -> Response in
            try await serveGeneration(
                request, context: context, body: OpenAIChatRequest.self,
                plan: { wire in
                    let chat = try wire.chatRequest()
                    return GenerationPlan(
                        requestedModel: chat.model, stream: wire.stream == true,
                        encoder: OpenAIStreamEncoder(kind: .chat, includeUsage: chat.includeUsage)
                    ) { engine.job(chat: chat, model: $0) }
                },
                contentType: "text/event-stream",
                malformed: "data: {\"id\": \"chatcmpl-broken\", \"choices\": [{\"delta\": \n\n",
                whole: { try json(OpenAIChatCompletion($0.response())) }
            )
        }
        router.post("/v1/completions") { request, context -> Response in
            try await serveGeneration(
                request, context: context, body: OpenAICompletionRequest.self,
                plan: { wire in
                    let completion = try wire.completionRequest()
                    return GenerationPlan(
                        requestedModel: completion.model, stream: wire.stream == true,
                        encoder: OpenAIStreamEncoder(kind: .completion, includeUsage: completion.includeUsage)
                    ) { engine.job(completion: completion, model: $0) }
                },
                contentType: "text/event-stream",
                malformed: "data: {\"id\": \"cmpl-broken\", \"choices\": [{\"text\": \n\n",
                whole: { try json(OpenAICompletion($0.completionResponse())) }
            )
        }
        router.post("/v1/embeddings") { request, context -> Response in
            let admission = try await admitInference(context)
            let wire = try await decode(OpenAIEmbeddingRequest.self, from: request, context: context)
            let embedding = try validated { try wire.embeddingRequest() }
            let model = try resolveModel(embedding.model, admission: admission)
            return try json(OpenAIEmbeddingResponse(embed(embedding, model: model), format: wire.encodingFormat))
        }
        for path in ["/v1/rerank", "/rerank"] {
            router.post(RouterPath(path)) { request, context -> Response in
                let admission = try await admitInference(context)
                let wire = try await decode(RerankWireRequest.self, from: request, context: context)
                let model = try resolveModel(wire.model, admission: admission)
                return try json(RerankWireResponse(rerank(wire.rerankRequest), model: model))
            }
        }
    }

    /// Orders documents by the share of the query's words each contains (a stand-in for a cross-encoder).
    func rerank(_ request: RerankRequest) -> RerankResponse {
        let query = Set(SimTokenizer.tokens(request.query.lowercased()))
        var results = request.documents.enumerated().map { index, document -> RerankResponse.Result in
            let words = Set(SimTokenizer.tokens(document.lowercased()))
            return .init(index: index, score: query.isEmpty ? 0 : Double(query.intersection(words).count) / Double(query.count))
        }
        results.sort { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
        if let topN = request.topN { results = Array(results.prefix(max(0, topN))) }
        return RerankResponse(results: results)
    }

    /// Embeds every input; usage counts their tokens.
    func embed(_ request: EmbeddingRequest, model: String) -> EmbeddingResponse {
        let vectors = request.inputs.map { engine.embedder.embed($0, dimensions: request.dimensions) }
        let tokens = request.inputs.reduce(0) { $0 + SimTokenizer.tokens($1).count }
        return EmbeddingResponse(model: model, embeddings: vectors, usage: Usage(promptTokens: tokens, completionTokens: 0))
    }

    /// vLLM-style Prometheus metrics.
    func prometheusText() async -> String {
        let stats = engine.stats.snapshot
        let waiting = await engine.scheduler.waitingCount
        let model = configuration.models.first ?? ""
        let label = "{model_name=\"\(model)\"}"
        return """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running\(label) \(stats.running)
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting\(label) \(waiting)
            # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
            # TYPE vllm:prompt_tokens_total counter
            vllm:prompt_tokens_total\(label) \(stats.promptTokens)
            # HELP vllm:generation_tokens_total Number of generation tokens processed.
            # TYPE vllm:generation_tokens_total counter
            vllm:generation_tokens_total\(label) \(stats.generationTokens)
            # HELP vllm:prefix_cache_hits_total Prefix cache hits, in tokens.
            # TYPE vllm:prefix_cache_hits_total counter
            vllm:prefix_cache_hits_total\(label) \(stats.cachedPromptTokens)
            # HELP vllm:request_success_total Count of successfully processed requests.
            # TYPE vllm:request_success_total counter
            vllm:request_success_total\(label) \(stats.completed)

            """
    }
}

/// vLLM's `POST /tokenize` body: a prompt, or chat messages.
struct TokenizeRequest: Codable, Sendable {
    var model: String?
    var prompt: String?
    var messages: [OpenAIMessage]?
}

/// vLLM's `POST /tokenize` answer.
struct TokenizeResponse: Codable, Sendable {
    var count: Int
    var maxModelLen: Int
    var tokens: [Int]

    enum CodingKeys: String, CodingKey {
        case count, tokens
        case maxModelLen = "max_model_len"
    }
}

extension OpenAIChatRequest {
    /// The messages only, validated, for tokenizing.
    fileprivate func messagesOnly() throws -> ChatRequest {
        ChatRequest(model: model, messages: try messages.enumerated().map { try $1.chatMessage(field: "messages[\($0)]") })
    }
}
