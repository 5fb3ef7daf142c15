import FerryCore
import FerryWire
import NIOCore

extension BackendClient {
    /// Where the inline path sends `POST path` to this backend, made once per provider (nil: an HTTPS backend,
    /// served by the routes).
    func inlineUpstream(_ path: String) -> InlineUpstream? {
        InlineUpstream(endpoint: endpoint, path: path, headers: headers)
    }

    /// Where `upstream` (from ``inlineUpstream(_:)``) is, for `model`: the location of its calls' errors.
    func inlineLocation(_ upstream: InlineUpstream, model: String) -> ErrorLocation {
        ErrorLocation(backend: name, url: upstream.url, model: model)
    }

    /// An ``InlineChatCall`` that sends the JSON `body` to `upstream` (from ``inlineUpstream(_:)``).
    func inlineCall(
        _ upstream: InlineUpstream, location: ErrorLocation, body: ByteBuffer,
        parser: (any ChatStreamParser)?, answersInOpenAIForm: Bool,
        answer: @escaping @Sendable (ByteBuffer, ErrorLocation) throws -> ChatResponse
    ) -> InlineChatCall {
        InlineChatCall(
            pool: http.inline, upstream: upstream, body: body, location: location, startHint: startHint,
            readError: readError, maxBodyBytes: http.configuration.maxBodyBytes, answer: answer,
            answersInOpenAIForm: answersInOpenAIForm, parser: parser
        )
    }
}
