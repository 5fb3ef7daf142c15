import FerryCore
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A simulated inference server: vLLM, Ollama or Gemini on the wire, with a timing model and injected faults.
///
/// ```swift
/// let server = SimServer(configuration: .instant(dialect: .vllm))
/// let app = server.makeApplication { port in print("listening on \(port)") }
/// try await app.runService()
/// ```
public struct SimServer: Sendable {
    public let engine: SimEngine

    public init(configuration: SimConfiguration) {
        engine = SimEngine(configuration: configuration)
    }

    public var configuration: SimConfiguration { engine.configuration }

    /// The routes of the configured dialect, plus the `/_sim` control routes.
    public func makeRouter() -> Router<SimRequestContext> {
        let router = Router(context: SimRequestContext.self)
        if let apiKey = configuration.apiKey { router.add(middleware: SimAPIKeyMiddleware(key: apiKey, dialect: configuration.dialect)) }
        switch configuration.dialect {
        case .vllm: addOpenAIRoutes(to: router)
        case .ollama: addOllamaRoutes(to: router)
        case .gemini: addGeminiRoutes(to: router)
        case .anthropic: addAnthropicRoutes(to: router)
        }
        addControlRoutes(to: router)
        return router
    }

    /// An application serving the router on the configured host and port; `onRunning` gets the bound port.
    public func makeApplication(
        logger: Logger = Logger(label: "ferry.sim"),
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "FerrySim"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    // MARK: Shared helpers of the routes

    /// Reads and decodes a JSON body; malformed JSON and wrong types become the dialect's 400.
    func decode<Value: Decodable>(_ type: Value.Type, from request: Request, context: SimRequestContext) async throws -> Value {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw SimHTTPError(.contentTooLarge, "The request body is larger than \(context.maxUploadSize) bytes", dialect: configuration.dialect)
        }
        do {
            return try WireJSON.decodeRequest(type, from: buffer.readableBytesView)
        } catch {
            let detail = error.message.replacingOccurrences(of: "the body could not be read: ", with: "")
            let message = switch configuration.dialect {
            case .vllm: "Invalid request: \(detail)"
            case .ollama: "invalid request body: \(detail)"
            case .gemini: "Invalid JSON payload received. \(detail)"
            case .anthropic: detail
            }
            throw SimHTTPError(.badRequest, message, dialect: configuration.dialect)
        }
    }

    /// Maps a wire-layer validation error to the dialect's 400.
    func validated<Value>(_ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let error as FerryError {
            throw SimHTTPError.badRequest(error, dialect: configuration.dialect)
        }
    }

    /// The served name for `requested`, or the dialect's 404 (also when the wrong-model fault fired).
    func resolveModel(_ requested: String, admission: SimAdmission) throws -> String {
        guard !admission.modelNotFound, let model = engine.servedModel(requested) else {
            throw SimHTTPError.modelNotFound(requested, dialect: configuration.dialect)
        }
        return model
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: try WireJSON.encode(value))))
    }

    /// What a generating route reads from its request: the model asked for, whether to stream, and how to
    /// build the job once the model is resolved.
    struct GenerationPlan {
        var requestedModel: String
        var stream: Bool
        /// Writes the stream, when `stream` is set.
        var encoder: any ChatEventEncoder
        var job: (_ servedModel: String) -> SimEngine.Job
    }

    /// The path every generating route shares: count the request and apply faults, decode and validate the body,
    /// resolve the model, play the job, then stream it with the plan's encoder or answer whole with `whole`.
    func serveGeneration<Wire: Decodable>(
        _ request: Request,
        context: SimRequestContext,
        body: Wire.Type,
        plan: (Wire) throws -> GenerationPlan,
        contentType: String,
        malformed: String,
        whole: (ChatStreamAssembler) throws -> Response
    ) async throws -> Response {
        let admission = try await admitInference(context)
        let wire = try await decode(body, from: request, context: context)
        let generation = try validated { try plan(wire) }
        let model = try resolveModel(generation.requestedModel, admission: admission)
        var job = generation.job(model)
        job.extraDelay = admission.extraDelay
        let events = engine.play(job)
        if generation.stream {
            return stream(events, encoder: generation.encoder, contentType: contentType, admission: admission, malformed: malformed, context: context)
        }
        if admission.malformed { return malformedBody() }
        return try whole(try await collect(events, admission: admission, context: context))
    }

    /// A streamed answer: events written by `encoder` as they come, with the drop and malformed faults applied.
    func stream(
        _ events: ChatEventStream,
        encoder: some ChatEventEncoder,
        contentType: String,
        admission: SimAdmission,
        malformed: String,
        context: SimRequestContext
    ) -> Response {
        let channel = context.channel
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var encoder = encoder
                var buffer = ByteBuffer()
                var tokens = 0
                for try await event in events {
                    switch event {
                    case .textDelta, .toolCallDelta:
                        if let limit = admission.dropAfterTokens, tokens >= limit {
                            try await Self.reset(channel)
                            throw CancellationError()
                        }
                        if admission.malformed, tokens == 1 {
                            try await writer.write(ByteBuffer(string: malformed))
                        }
                        tokens += 1
                    default:
                        break
                    }
                    try encoder.encode(event, into: &buffer)
                    try await writer.write(buffer)
                    buffer.clear()
                }
                try await writer.finish(nil)
            }
        )
    }

    /// A whole answer, after the generation has played out in time (as a real server would take).
    func collect(_ events: ChatEventStream, admission: SimAdmission, context: SimRequestContext) async throws -> ChatStreamAssembler {
        var assembler = ChatStreamAssembler()
        for try await event in events { try assembler.consume(event) }
        if admission.dropAfterTokens != nil {
            try await Self.reset(context.channel)
            throw CancellationError()
        }
        return assembler
    }

    /// A body that is not valid JSON, for the malformed fault on a non-streamed answer.
    func malformedBody() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"id": "broken", "choices": [{"#)))
    }
}
