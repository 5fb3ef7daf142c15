import FerryCore
import Testing

@Suite("ChatStreamAssembler")
struct ChatStreamAssemblerTests {
    @Test("text deltas are joined and finish carries reason and usage")
    func assemblesText() throws {
        var assembler = ChatStreamAssembler()
        let usage = Usage(promptTokens: 7, completionTokens: 3, cachedPromptTokens: 4)
        for event: ChatEvent in [
            .start(StreamStart(id: "c1", model: "m", created: 10)),
            .textDelta("مرحبا"), .textDelta(" 🚀"), .textDelta(" done"),
            .finish(StreamFinish(reason: .stop, usage: usage)),
        ] {
            try assembler.consume(event)
        }
        let response = assembler.response()
        #expect(response.id == "c1")
        #expect(response.model == "m")
        #expect(response.text == "مرحبا 🚀 done")
        #expect(response.finishReason == .stop)
        #expect(response.usage == usage)
        #expect(response.usage?.totalTokens == 10)
    }

    @Test("interleaved tool-call fragments are keyed by index, not id")
    func assemblesParallelToolCalls() throws {
        var assembler = ChatStreamAssembler()
        for event: ChatEvent in [
            .toolCallDelta(ToolCallDelta(index: 1, id: "b", name: "time", arguments: "")),
            .toolCallDelta(ToolCallDelta(index: 0, id: "a", name: "weather", arguments: "{\"ci")),
            .toolCallDelta(ToolCallDelta(index: 1, arguments: "{\"tz\":\"UTC\"}")),
            .toolCallDelta(ToolCallDelta(index: 0, arguments: "ty\":\"Oslo\"}")),
            .finish(StreamFinish(reason: nil)),
        ] {
            try assembler.consume(event)
        }
        let response = assembler.response()
        #expect(response.message.toolCalls == [
            ToolCall(id: "a", name: "weather", arguments: #"{"city":"Oslo"}"#),
            ToolCall(id: "b", name: "time", arguments: #"{"tz":"UTC"}"#),
        ])
        #expect(response.finishReason == .toolCalls, "a stream with calls and no reason finishes with tool_calls")
    }

    @Test("a call without id gets a stable synthesised one and empty arguments become {}")
    func synthesisesIDs() throws {
        var first = ChatStreamAssembler()
        var second = ChatStreamAssembler()
        for assembler in [0, 1] {
            let event = ChatEvent.toolCallDelta(ToolCallDelta(index: 0, name: "ping"))
            if assembler == 0 { try first.consume(event) } else { try second.consume(event) }
        }
        let call = try #require(first.toolCalls.first)
        #expect(call.id.hasPrefix("call_0_"))
        #expect(call.arguments == "{}")
        #expect(call.id == second.toolCalls.first?.id)
    }

    @Test("an in-band error is thrown")
    func throwsInBandError() throws {
        var assembler = ChatStreamAssembler()
        try assembler.consume(.textDelta("partial"))
        let error = FerryError.streamInterrupted("connection reset", location: ErrorLocation(backend: "vllm"))
        #expect(throws: FerryError.self) { try assembler.consume(.error(error)) }
    }

    @Test("assemble consumes a whole async stream; completion form keeps the text")
    func assemblesStreams() async throws {
        let events: [ChatEvent] = [.start(StreamStart(id: "x", model: "m", created: 1)), .textDelta("a"), .textDelta("b"), .finish(StreamFinish(reason: .length))]
        let stream = ChatEventStream { continuation in
            for event in events { continuation.yield(event) }
            continuation.finish()
        }
        let response = try await ChatStreamAssembler.assemble(stream)
        #expect(response.text == "ab")
        #expect(response.finishReason == .length)
        let again = ChatEventStream { continuation in
            for event in events { continuation.yield(event) }
            continuation.finish()
        }
        let completion = try await ChatStreamAssembler.assembleCompletion(again)
        #expect(completion.text == "ab")
        #expect(completion.id == "x")
    }
}
