import FerryCore
import FerryWire
import NIOCore

extension OpenAICompatibleProvider: InlineChatBackend {
    public func inlineChat(_ request: ChatRequest, stream: Bool) throws -> InlineChatCall? {
        guard let upstream = inlineChatUpstream, let model = modelWithoutAsking(request.model) else { return nil }
        let location = backend.inlineLocation(upstream, model: model)
        var body = ByteBuffer()
        try OpenAIChatRequest(request.with(model: model), stream: stream).encode(into: &body)
        return backend.inlineCall(
            upstream, location: location, body: body,
            parser: stream ? OpenAIStreamParser(kind: .chat, location: location) : nil, answersInOpenAIForm: true
        ) { body, location in
            try WireJSON.decode(OpenAIChatCompletion.self, from: body.readableBytesView, location: location).chatResponse(location: location)
        }
    }

    public func diagnosed(_ error: FerryError, model: String) async -> FerryError {
        await diagnosing(error, model: model)
    }
}
