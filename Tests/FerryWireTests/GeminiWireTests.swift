import FerryCore
import FerryWire
import Foundation
import NIOCore
import Testing

@Suite("Gemini dialect")
struct GeminiWireTests {
    static let conversation = ChatRequest(
        model: "gemini-2.0-flash",
        messages: [
            .system("Be brief."),
            .user("Weather in Lagos?"),
            .assistant("", toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Lagos"}"#)]),
            .tool(callID: "call_1", name: "get_weather", content: #"{"temp":31}"#),
        ],
        tools: [ToolDefinition(name: "get_weather", description: "Weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]]])],
        toolChoice: .required,
        sampling: SamplingParameters(temperature: 0.3, topK: 8, maxTokens: 100, stop: ["END"]),
        responseFormat: .jsonObject
    )

    @Test("system → systemInstruction, assistant → model, tool result → functionResponse; and back")
    func requestRoundTrip() throws {
        let wire = try GeminiGenerateContentRequest(Self.conversation)
        #expect(wire.systemInstruction?.parts.first?.text == "Be brief.")
        #expect(wire.contents.map(\.role) == ["user", "model", "user"])
        #expect(wire.contents[1].parts.first?.functionCall?.args == ["city": "Lagos"])
        #expect(wire.contents[2].parts.first?.functionResponse?.response == ["temp": 31])
        #expect(wire.toolConfig?.functionCallingConfig?.mode == "ANY")
        #expect(wire.generationConfig?.maxOutputTokens == 100)
        #expect(wire.generationConfig?.responseMimeType == "application/json")
        let decoded = try WireJSON.decode(GeminiGenerateContentRequest.self, from: Array(try WireJSON.encode(wire)))
        let core = try decoded.chatRequest(model: "gemini-2.0-flash")
        #expect(core.messages == Self.conversation.messages)
        #expect(core.tools == Self.conversation.tools)
        #expect(core.toolChoice == .required)
        #expect(core.sampling == Self.conversation.sampling)
        #expect(core.responseFormat == .jsonObject)
    }

    @Test("a tool result that names nothing cannot be sent to Gemini")
    func unnamedToolResult() {
        let request = ChatRequest(model: "g", messages: [.user("x"), .tool(callID: "unknown", content: "1")])
        #expect(throws: FerryError.self) { _ = try GeminiGenerateContentRequest(request) }
    }

    @Test("finish reasons are upper case on the wire", arguments: [
        (FinishReason.stop, "STOP"), (.length, "MAX_TOKENS"), (.contentFilter, "SAFETY"), (.toolCalls, "STOP"),
    ])
    func finishReasons(reason: FinishReason, wire: String) {
        #expect(GeminiFinishReason.wire(reason) == wire)
        #expect(GeminiFinishReason.core(wire, calledTools: reason == .toolCalls) == reason)
    }

    @Test("SSE and JSON-array encodings decode back to the same answer")
    func streamRoundTrip() throws {
        let events: [ChatEvent] = [
            .start(StreamStart(id: "r", model: "gemini-2.0-flash", created: 1)), .textDelta("こんにちは"),
            .toolCallDelta(ToolCallDelta(index: 0, id: "c", name: "f", arguments: "{\"a\"")),
            .toolCallDelta(ToolCallDelta(index: 0, arguments: ":1}")),
            .finish(StreamFinish(reason: .toolCalls, usage: Usage(promptTokens: 3, completionTokens: 4))),
        ]
        let expected: [ChatEvent] = [
            events[0], events[1], .toolCallDelta(ToolCallDelta(index: 0, id: "c", name: "f", arguments: #"{"a":1}"#)), events[4],
        ]
        let sse = try encode(events, with: GeminiStreamEncoder(framing: .sse))
        #expect(try geminiSSEEvents([ByteBuffer(bytes: sse)]) == expected)
        let array = try encode(events, with: GeminiStreamEncoder(framing: .jsonArray))
        #expect(array.first == UInt8(ascii: "[") && array.last == UInt8(ascii: "]"))
        #expect(try geminiArrayEvents([ByteBuffer(bytes: array)]) == expected)
    }

    @Test("a whole response maps to core")
    func wholeResponse() throws {
        let body = #"{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"},{"text":" there"}]},"finishReason":"MAX_TOKENS"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6},"modelVersion":"gemini-2.0-flash"}"#
        let response = try WireJSON.decode(GeminiGenerateContentResponse.self, from: bytes(body)).chatResponse(model: "gemini-2.0-flash")
        #expect(response.text == "Hi there")
        #expect(response.finishReason == .length)
        #expect(response.usage == Usage(promptTokens: 4, completionTokens: 2))
    }
}
