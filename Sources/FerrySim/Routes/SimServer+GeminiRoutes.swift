import FerryCore
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird

extension SimServer {
    /// The Gemini API, under both `/v1beta` and `/v1` (newer SDKs call `/v1`). The API key (header
    /// `x-goog-api-key` or query `key`) is accepted, not checked.
    func addGeminiRoutes(to router: Router<SimRequestContext>) {
        for version in ["v1beta", "v1"] {
            addGeminiRoutes(to: router.group(RouterPath(version)))
        }
    }

    private func addGeminiRoutes(to router: RouterGroup<SimRequestContext>) {
        router.get("models") { _, context -> Response in
            try await admitOther(context)
            return try json(GeminiModelList(models: configuration.models.map(modelEntry)))
        }
        router.get("models/{target}") { _, context -> Response in
            try await admitOther(context)
            let requested = context.parameters.get("target") ?? ""
            guard let model = engine.servedModel(requested) else { throw SimHTTPError.modelNotFound(requested, dialect: .gemini) }
            return try json(modelEntry(model))
        }
        router.post("models/{target}") { request, context -> Response in
            let target = context.parameters.get("target") ?? ""
            guard let colon = target.lastIndex(of: ":") else {
                throw SimHTTPError(.notFound, "Unknown method: expected models/{model}:generateContent", dialect: .gemini)
            }
            let requested = String(target[..<colon])
            let method = target[target.index(after: colon)...]
            switch method {
            case "generateContent", "streamGenerateContent":
                return try await generate(request, context: context, model: requested, streamed: method == "streamGenerateContent")
            case "countTokens":
                let body = try await decode(GeminiGenerateContentRequest.self, from: request, context: context)
                let chat = try validated { try body.chatRequest(model: requested) }
                return try json(["totalTokens": SimTokenizer.tokens(chat).count])
            case "embedContent":
                let admission = try await admitInference(context)
                let body = try await decode(GeminiEmbedContentRequest.self, from: request, context: context)
                _ = try resolveModel(requested, admission: admission)
                let text = body.content.parts.compactMap(\.text).joined(separator: "\n")
                return try json(GeminiEmbedContentResponse(values: engine.embedder.embed(text, dimensions: body.outputDimensionality)))
            default:
                throw SimHTTPError(.notFound, "Method \(method) is not supported for models/\(requested)", dialect: .gemini)
            }
        }
    }

    private func generate(_ request: Request, context: SimRequestContext, model requested: String, streamed: Bool) async throws -> Response {
        let sse = request.uri.queryParameters.get("alt") == "sse"
        return try await serveGeneration(
            request, context: context, body: GeminiGenerateContentRequest.self,
            plan: { wire in
                let chat = try wire.chatRequest(model: requested)
                return GenerationPlan(requestedModel: requested, stream: streamed, encoder: GeminiStreamEncoder(framing: sse ? .sse : .jsonArray)) {
                    engine.job(chat: chat, model: $0)
                }
            },
            contentType: sse ? "text/event-stream" : "application/json",
            malformed: sse ? "data: {\"candidates\": [{\"content\": \n\n" : "{\"candidates\": [",
            whole: { try json(GeminiGenerateContentResponse($0.response())) }
        )
    }

    private func modelEntry(_ name: String) -> GeminiModelList.Model {
        GeminiModelList.Model(
            name: "models/\(name)", displayName: name, inputTokenLimit: configuration.contextLength, outputTokenLimit: 8192,
            supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens", "embedContent"]
        )
    }
}
