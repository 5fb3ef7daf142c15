import FerryCore
import FerryRAG
import FerryRouter
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Gateway {
    /// `X-Ferry-Sources: text`: a RAG route's answer ends with its sources as a numbered list.
    static let sourcesHeader = HTTPField.Name("x-ferry-sources")!

    /// The RAG route a chat request asks for, if it asks for one.
    func ragRoute(for model: String) -> RAGRoute? {
        guard let documents, !documents.answers.ragRoutes.isEmpty else { return nil }
        return documents.answers.ragRoutes[model]
    }

    /// A chat request to a RAG route, in the client's dialect: the last user message is the question, the earlier
    /// messages its conversation (system messages give way to the grounded prompt's). The answer is the dialect's
    /// own, whole or streamed, with the sources in `ferry_sources` (on the whole answer, and on a stream's finishing
    /// chunk or line), and as a numbered list at the end of the text when the route or the request asks.
    func groundedChat(_ dialect: GatewayDialect, _ chat: ChatRequest, streams: Bool, rag: RAGRoute, request: Request, context: GatewayContext) async throws -> Response {
        guard let documents else { throw FerryError.invalidRequest("documents are not served here", field: "model") }
        guard let last = chat.messages.last, last.role == .user, !last.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw FerryError.invalidRequest("the last message must be the user's question, as text", field: "messages")
        }
        let begun = ContinuousClock.now
        let history = chat.messages.dropLast().filter { $0.role == .user || $0.role == .assistant }
        let question = AnswerRequest(question: last.text, mode: rag.mode, collection: rag.collection, context: .history(Array(history)), topK: rag.topK, sampling: chat.sampling)
        let inText = rag.sourcesInText || request.headers[Self.sourcesHeader]?.lowercased() == "text"
        let answerer = await documents.answerer(router: router, route: try router.route(for: chat.model).name)
        let start = StreamStart(id: "chatcmpl-" + RequestIDs.next(), model: chat.model, created: Int(Date().timeIntervalSince1970))

        guard streams else {
            var firstToken: ContinuousClock.Instant?
            let summary = try await answerer.answer(question) { event in
                if case .delta = event, firstToken == nil { firstToken = .now }
            }
            let text = summary.answer + (inText ? Self.listing(summary) : "")
            let response = ChatResponse(id: start.id, model: chat.model, created: start.created, message: .assistant(text), finishReason: .stop, usage: summary.usage)
            var body = ByteBuffer()
            try dialect.writeWhole(response, timings: OllamaTimings(begun: begun, firstToken: firstToken), into: &body)
            try Self.insertSources(summary.sources, into: &body)
            var headers: HTTPFields = [.contentType: "application/json"]
            if let backend = summary.backend { headers[GatewayHeaders.backend] = backend }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
        }

        let running = try await RunningAnswer.start(answerer, question)
        let encoder = dialect.streamEncoder(for: chat)
        return Response(
            status: .ok,
            headers: [.contentType: dialect.streamContentType, .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var encoder = encoder
                var buffer = ByteBuffer()
                do {
                    for try await event in running.events {
                        switch event {
                        case .sources:
                            try encoder.encode(.start(start), into: &buffer)
                        case .delta(let text):
                            try encoder.encode(.textDelta(text), into: &buffer)
                        case .done(let summary):
                            if inText { try encoder.encode(.textDelta(Self.listing(summary)), into: &buffer) }
                            var finish = ByteBuffer()
                            try encoder.encode(.finish(StreamFinish(reason: .stop, usage: summary.usage)), into: &finish)
                            try Self.insertSources(summary.sources, into: &finish)
                            buffer.writeBuffer(&finish)
                        }
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                } catch let error as FerryError {
                    buffer.clear()
                    try encoder.encode(.error(error), into: &buffer)
                    try await writer.write(buffer)
                }
                try await writer.finish(nil)
            }
        )
    }

    /// The numbered list of an answer's sources: those it cites, or all it was given when it cites none.
    static func listing(_ summary: AnswerSummary) -> String {
        AnswerSource.listing(summary.citedSources.isEmpty ? summary.sources : summary.citedSources, language: summary.language)
    }

    /// Puts `"ferry_sources": [...]` first in the first JSON object of `buffer` (a whole answer, or the finishing
    /// chunk of a stream).
    static func insertSources(_ sources: [AnswerSource], into buffer: inout ByteBuffer) throws {
        let bytes = buffer.readableBytesView
        guard let open = bytes.firstIndex(of: UInt8(ascii: "{")) else { return }
        var field = ByteBuffer(string: "\"ferry_sources\":")
        try WireJSON.encode(sources, into: &field)
        let next = bytes.index(after: open)
        if next < bytes.endIndex, bytes[next] != UInt8(ascii: "}") { field.writeString(",") }
        var result = ByteBuffer()
        result.writeBytes(bytes[bytes.startIndex...open])
        result.writeBuffer(&field)
        result.writeBytes(bytes[next...])
        buffer = result
    }
}
