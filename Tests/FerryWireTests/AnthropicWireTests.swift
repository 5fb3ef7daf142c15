import FerryCore
import FerryWire
import Foundation
import NIOCore
import Testing

@Suite("Anthropic Messages dialect")
struct AnthropicWireTests {
    static let conversation = ChatRequest(
        model: "claude-sonnet-4-5",
        messages: [
            .system("Be brief."),
            .user("Weather in Cairo and Oslo?"),
            .assistant("Checking.", toolCalls: [
                ToolCall(id: "toolu_1", name: "get_weather", arguments: #"{"city":"Cairo"}"#),
                ToolCall(id: "toolu_2", name: "get_weather", arguments: #"{"city":"Oslo"}"#),
            ]),
            ChatMessage(role: .tool, content: [.text(#"{"temp":31}"#)], toolCallID: "toolu_1", name: "get_weather"),
            ChatMessage(role: .tool, content: [.text(#"{"temp":-3}"#)], toolCallID: "toolu_2", name: "get_weather"),
            .user("And in Fahrenheit?"),
        ],
        tools: [ToolDefinition(name: "get_weather", description: "Weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]]])],
        toolChoice: .function("get_weather"),
        sampling: SamplingParameters(temperature: 0.3, topP: 0.9, topK: 8, maxTokens: 100, stop: ["END"]),
        includeUsage: true,
        user: "u-1"
    )

    @Test("system → system, tool results → tool_result blocks of one user turn, then the text; and back")
    func requestRoundTrip() throws {
        let wire = try AnthropicMessagesRequest(Self.conversation, maxTokens: 4096)
        #expect(wire.system == .text("Be brief."))
        #expect(wire.messages.map(\.role) == ["user", "assistant", "user"])
        #expect(wire.messages[2].content.blocks.count == 3, "two results and the question share a turn")
        #expect(wire.toolChoice == AnthropicToolChoice(type: "tool", name: "get_weather"))
        #expect(wire.maxTokens == 100 && wire.metadata?.userID == "u-1")
        let decoded = try WireJSON.decode(AnthropicMessagesRequest.self, from: Array(try WireJSON.encode(wire)))
        let core = try decoded.chatRequest()
        #expect(core.messages == Self.conversation.messages)
        #expect(core.tools == Self.conversation.tools)
        #expect(core.toolChoice == Self.conversation.toolChoice)
        #expect(core.sampling == Self.conversation.sampling)
        #expect(core.user == "u-1")
    }

    @Test("what Claude's clients send: system blocks, thinking kept out, an error result marked, images, max_tokens")
    func clientRequest() throws {
        let body = #"""
        {"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,
         "system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Be terse."}],
         "messages":[
          {"role":"user","content":[{"type":"text","text":"What is in this picture?"},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}}]},
          {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"tool_use","id":"toolu_9","name":"look","input":{"zoom":2}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"camera offline","is_error":true}]}],
         "tools":[{"name":"look","description":"Look closer","input_schema":{"type":"object"}}],
         "tool_choice":{"type":"any"},"anthropic_beta_unknown_field":1}
        """#
        let wire = try WireJSON.decodeRequest(AnthropicMessagesRequest.self, from: Array(body.utf8))
        let chat = try wire.chatRequest()
        #expect(wire.stream == true)
        #expect(chat.messages[0] == .system("You are Claude Code.\nBe terse."))
        #expect(chat.messages[1].images == [ImageSource(base64: "AAAA", mimeType: "image/jpeg")])
        #expect(chat.messages[2].toolCalls == [ToolCall(id: "toolu_9", name: "look", arguments: #"{"zoom":2}"#)])
        #expect(chat.messages[2].content.isEmpty, "thinking is left out")
        #expect(chat.messages[3].role == .tool && chat.messages[3].text == "Error: camera offline" && chat.messages[3].name == "look")
        #expect(chat.toolChoice == .required && chat.sampling.maxTokens == 1024)
    }

    @Test("bad input is refused naming the field", arguments: [
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#, "max_tokens"),
        (#"{"model":"m","max_tokens":"many","messages":[]}"#, "max_tokens"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"video","url":"x"}]}]}"#, "unknown content block type \"video\""),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]}"#, "messages[0].role"),
        (#"{"model":"m","max_tokens":5,"messages":[]}"#, "messages"),
        (#"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}"#, "max_tokens"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}"#, "tools[0].type"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"tool"}}"#, "tool_choice.name"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"temperature":1.5}"#, "temperature"),
    ])
    func badInput(body: String, names: String) {
        do {
            let wire = try WireJSON.decodeRequest(AnthropicMessagesRequest.self, from: Array(body.utf8))
            _ = try wire.chatRequest()
            Issue.record("accepted \(body)")
        } catch let error as FerryError {
            #expect(error.code == .badRequest)
            #expect(error.message.contains(names), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("a response format is output_config.format, both ways")
    func responseFormat() throws {
        var request = Self.conversation
        let schema: JSONValue = ["type": "object", "properties": ["answer": ["type": "string"]]]
        request.responseFormat = .jsonSchema(name: "output", schema: schema, strict: true)
        let wire = try AnthropicMessagesRequest(request, maxTokens: 10)
        #expect(wire.outputConfig?.format == .init(type: "json_schema", schema: schema))
        #expect(try wire.chatRequest().responseFormat == request.responseFormat)
        request.responseFormat = .jsonObject
        #expect(try AnthropicMessagesRequest(request, maxTokens: 10).outputConfig?.format?.schema == ["type": "object"])
    }

    @Test("stop reasons", arguments: [
        (FinishReason.stop, "end_turn"), (.length, "max_tokens"), (.toolCalls, "tool_use"), (.contentFilter, "refusal"),
    ])
    func stopReasons(reason: FinishReason, wire: String) {
        #expect(AnthropicStopReason.wire(reason) == wire)
        #expect(AnthropicStopReason.core(wire) == reason)
    }

    @Test("a whole answer: text and tool_use blocks, and back")
    func wholeAnswer() throws {
        let answer = ChatResponse(
            id: "msg_1", model: "claude", created: 1,
            message: .assistant("Sure.", toolCalls: [ToolCall(id: "toolu_1", name: "f", arguments: #"{"a":1}"#)]),
            finishReason: .toolCalls, usage: Usage(promptTokens: 10, completionTokens: 4)
        )
        let wire = AnthropicMessageResponse(answer)
        let json = String(decoding: try WireJSON.encode(wire), as: UTF8.self)
        #expect(json.contains(#""stop_reason":"tool_use""#) && json.contains(#""stop_sequence":null"#) && json.contains(#""type":"message""#))
        let back = try WireJSON.decode(AnthropicMessageResponse.self, from: Array(json.utf8)).chatResponse(created: 1)
        #expect(back == answer)
    }

    @Test("the stream split at every byte offset decodes to the same events; thinking is left out")
    func streamEverySplit() throws {
        let body = try fixture("anthropic-stream.sse")
        let expected: [ChatEvent] = [
            .start(StreamStart(id: "msg_01XFDUDYJgAACzvnptvVoYEL", model: "claude-sonnet-4-5", created: 1)),
            .textDelta("مرحبا"), .textDelta(" 🚀🇳🇴 café"),
            .toolCallDelta(ToolCallDelta(index: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", arguments: "")),
            .toolCallDelta(ToolCallDelta(index: 0, arguments: "{\"city\": \"القا")),
            .toolCallDelta(ToolCallDelta(index: 0, arguments: "هرة\"}")),
            .finish(StreamFinish(reason: .toolCalls, usage: Usage(promptTokens: 600, completionTokens: 89, cachedPromptTokens: 128))),
        ]
        #expect(try anthropicEvents([ByteBuffer(bytes: body)]) == expected)
        for offset in 0...body.count {
            let events = try anthropicEvents(chunks(body, cuts: [offset]))
            if events != expected {
                Issue.record("split at byte \(offset) of \(body.count) decoded differently: \(events)")
                return
            }
        }
        #expect(try anthropicEvents(body.map { ByteBuffer(bytes: [$0]) }) == expected, "byte-at-a-time")
    }

    @Test("a stream cut before message_stop is an error; an error event is one")
    func cutAndErrors() throws {
        let body = try fixture("anthropic-stream.sse")
        let cut = Array(body[..<(body.count - 40)])
        guard case .error(let error)? = try anthropicEvents([ByteBuffer(bytes: cut)]).last else { Issue.record("no error at the cut"); return }
        #expect(error.message.contains("message_stop"))
        let overloaded = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
        guard case .error(let failure)? = try anthropicEvents([ByteBuffer(string: overloaded)]).last else { Issue.record("no error"); return }
        #expect(failure.message.contains("Overloaded"))
    }

    @Test("what the encoder writes, the decoder reads back; every frame names its event")
    func encoderRoundTrip() throws {
        let events: [ChatEvent] = [
            .start(StreamStart(id: "msg_x", model: "claude", created: 1)),
            .textDelta("Hello "), .textDelta("\"world\" ✨"),
            .toolCallDelta(ToolCallDelta(index: 0, id: "toolu_a", name: "f", arguments: "")),
            .toolCallDelta(ToolCallDelta(index: 0, arguments: "{\"x\":")),
            .toolCallDelta(ToolCallDelta(index: 0, arguments: "1}")),
            .toolCallDelta(ToolCallDelta(index: 1, id: "toolu_b", name: "g", arguments: "")),
            .toolCallDelta(ToolCallDelta(index: 1, arguments: "{}")),
            .finish(StreamFinish(reason: .toolCalls, usage: Usage(promptTokens: 7, completionTokens: 5))),
        ]
        let body = try encode(events, with: AnthropicStreamEncoder())
        let text = String(decoding: body, as: UTF8.self)
        let names = text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        #expect(names == ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                          "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                          "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], "\(names)")
        for line in text.split(separator: "\n") where line.hasPrefix("data: ") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8))) != nil, "not JSON: \(line)")
        }
        #expect(try anthropicEvents([ByteBuffer(bytes: body)]) == events)
        // Text handed over as bytes that need no escaping writes the same frames.
        var byBytes = AnthropicStreamEncoder(), byText = AnthropicStreamEncoder()
        var one = ByteBuffer(), other = ByteBuffer()
        try byBytes.encode(.start(StreamStart(id: "m", model: "c", created: 1)), into: &one)
        try byText.encode(.start(StreamStart(id: "m", model: "c", created: 1)), into: &other)
        try Array("plain words".utf8).withUnsafeBytes { try byBytes.encode(text: $0, into: &one) }
        try byText.encode(.textDelta("plain words"), into: &other)
        // After message_start (whose keys Foundation orders as it likes) and the ping, the same bytes.
        func afterPing(_ buffer: ByteBuffer) -> String {
            let text = String(buffer: buffer)
            return String(text[text.range(of: "event: ping\n")!.upperBound...])
        }
        #expect(afterPing(one) == afterPing(other) && afterPing(one).contains("plain words"))
    }
}
