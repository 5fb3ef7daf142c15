import FerryCore
import FerryWire
import Foundation
import NIOCore
import Testing

@Suite("Responses dialect")
struct ResponsesWireTests {
    @Test("input items: roles kept (developer is system), calls join the assistant turn, outputs are tool messages, reasoning left out")
    func inputItems() throws {
        let body = #"""
        {"model":"m","instructions":"Be brief.","input":[
          {"role":"developer","content":"Use metric units."},
          {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather?"},{"type":"input_image","image_url":"https://x/a.png","detail":"low"}]},
          {"type":"reasoning","id":"rs_1","summary":[]},
          {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking.","annotations":[]}]},
          {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"},
          {"type":"function_call","id":"fc_2","call_id":"call_2","name":"get_weather","arguments":"{\"city\":\"Rome\"}"},
          {"type":"function_call_output","call_id":"call_1","output":"-3"},
          {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"18"}]}],
         "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":true}],
         "tool_choice":{"type":"function","name":"get_weather"},
         "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}},
         "temperature":0.2,"max_output_tokens":50,"store":false,"include":["reasoning.encrypted_content"]}
        """#
        let wire = try WireJSON.decodeRequest(ResponsesRequest.self, from: Array(body.utf8))
        let chat = try wire.chatRequest(history: [.user("Earlier question"), .assistant("Earlier answer")])
        #expect(chat.messages.map(\.role) == [.system, .user, .assistant, .system, .user, .assistant, .tool, .tool])
        #expect(chat.messages[0].text == "Be brief." && chat.messages[1].text == "Earlier question")
        #expect(chat.messages[4].images == [ImageSource(url: "https://x/a.png", detail: "low")])
        #expect(chat.messages[5].text == "Checking." && chat.messages[5].toolCalls.map(\.id) == ["call_1", "call_2"])
        #expect(chat.messages[6] == .tool(callID: "call_1", name: "get_weather", content: "-3"))
        #expect(chat.messages[7].text == "18")
        #expect(chat.toolChoice == .function("get_weather") && chat.tools.first?.strict == true)
        #expect(chat.responseFormat == .jsonSchema(name: "w", schema: ["type": "object"], strict: true))
        #expect(chat.sampling.maxTokens == 50 && chat.sampling.temperature == 0.2 && wire.store == false)
    }

    @Test("a string input is one user message")
    func stringInput() throws {
        let wire = try WireJSON.decodeRequest(ResponsesRequest.self, from: Array(#"{"model":"m","input":"Hi"}"#.utf8))
        #expect(try wire.chatRequest().messages == [.user("Hi")])
    }

    @Test("bad input names the field", arguments: [
        (#"{"model":"m"}"#, "input"),
        (#"{"model":"m","input":[{"type":"computer_call"}]}"#, "computer_call"),
        (#"{"model":"m","input":"x","tools":[{"type":"file_search"}]}"#, "tools[0].type"),
        (#"{"model":"m","input":"x","tool_choice":"sometimes"}"#, "tool_choice"),
        (#"{"model":"m","input":"x","max_output_tokens":0}"#, "max_output_tokens"),
        (#"{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]}"#, "input[0].content[0].type"),
    ])
    func badInput(body: String, names: String) {
        do {
            _ = try WireJSON.decodeRequest(ResponsesRequest.self, from: Array(body.utf8)).chatRequest()
            Issue.record("accepted \(body)")
        } catch let error as FerryError {
            #expect(error.code == .badRequest && error.message.contains(names), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("the stream's events, numbered in order, end in the response that complete(with:) makes from the same answer")
    func streamMatchesStored() throws {
        let request = try WireJSON.decodeRequest(ResponsesRequest.self, from: Array(#"{"model":"m","input":"x","stream":true}"#.utf8))
        let template = ResponsesResponse(id: "resp_abc", model: "m", createdAt: 1, request: request)
        let events: [ChatEvent] = [
            .start(StreamStart(id: "x", model: "m", created: 1)), .textDelta("Hello "), .textDelta("\"you\""),
            .toolCallDelta(ToolCallDelta(index: 0, id: "call_1", name: "f", arguments: "")),
            .toolCallDelta(ToolCallDelta(index: 0, arguments: "{\"a\":1}")),
            .finish(StreamFinish(reason: .toolCalls, usage: Usage(promptTokens: 3, completionTokens: 4))),
        ]
        var encoder = ResponsesStreamEncoder(response: template)
        var buffer = ByteBuffer()
        for event in events { try encoder.encode(event, into: &buffer) }
        let frames = String(buffer: buffer).components(separatedBy: "\n\n").filter { !$0.isEmpty }
        var types: [String] = []
        for (number, frame) in frames.enumerated() {
            let lines = frame.split(separator: "\n")
            let name = String(lines[0].dropFirst("event: ".count))
            let data = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].dropFirst("data: ".count).utf8)) as? [String: Any])
            #expect(data["type"] as? String == name && data["sequence_number"] as? Int == number)
            types.append(name)
        }
        #expect(types == [
            "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.delta", "response.output_text.done", "response.content_part.done",
            "response.output_item.done", "response.output_item.added", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done", "response.completed",
        ])
        var assembler = ChatStreamAssembler()
        for event in events { try assembler.consume(event) }
        var stored = template
        stored.complete(with: assembler.response())
        #expect(encoder.current == stored)
        #expect(stored.assistantMessage == .assistant("Hello \"you\"", toolCalls: [ToolCall(id: "call_1", name: "f", arguments: "{\"a\":1}")]))
        let json = try WireJSON.decode(ResponsesResponse.self, from: Array(try WireJSON.encode(stored)))
        #expect(json == stored)
    }

    @Test("an answer cut at the token limit is incomplete")
    func incomplete() throws {
        let request = try WireJSON.decodeRequest(ResponsesRequest.self, from: Array(#"{"model":"m","input":"x"}"#.utf8))
        var response = ResponsesResponse(id: "resp_1", model: "m", createdAt: 1, request: request)
        response.complete(with: ChatResponse(id: "c", model: "m", created: 1, message: .assistant("cut"), finishReason: .length, usage: nil))
        #expect(response.status == "incomplete" && response.incompleteDetails?.reason == "max_output_tokens")
    }
}
