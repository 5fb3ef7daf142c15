import FerryCore
@testable import FerryProviders
import Testing

/// Messy outputs of small models asked to call tools in text: each read as the calls it means, the answer it
/// gives, or refused with the reason — never a guessed call.
@Suite("Prompted tool calls: the tolerant parser")
struct PromptedToolParserTests {
    let parser = PromptedToolParser(tools: ["get_weather", "add", "convert_units"])

    private func calls(_ text: String) -> [String] {
        guard case .toolCalls(let calls) = parser.parse(text) else { return [] }
        return calls.map { "\($0.name) \($0.arguments)" }
    }

    @Test("well-formed and fenced actions", arguments: [
        #"{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}"#,
        "```json\n{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]}\n```",
        "```\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n```",
        #"Sure! Let me check. {"name": "get_weather", "arguments": {"city": "Paris"}} I will wait for the result."#,
        #"{'name': 'get_weather', 'arguments': {'city': 'Paris'}}"#,
        #"{"tool": "get_weather", "args": {"city": "Paris"}}"#,
        #"{"function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}"#,
        #"[{"name": "get_weather", "parameters": {"city": "Paris",}}]"#,
        "Thought: I need the weather.\nAction: get_weather\nAction Input: {\"city\": \"Paris\"}",
    ])
    func oneCall(_ text: String) {
        #expect(calls(text) == [#"get_weather {"city":"Paris"}"#], "\(text)")
    }

    @Test("several actions, in order")
    func several() {
        #expect(calls(#"{"tool_calls": [{"name": "add", "arguments": {"a": 2, "b": 3}}, {"name": "get_weather", "arguments": {"city": "Oslo"}}]}"#)
            == [#"add {"a":2,"b":3}"#, #"get_weather {"city":"Oslo"}"#])
        #expect(calls("{\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": 1}}\n{\"name\": \"add\", \"arguments\": {\"a\": 2, \"b\": 2}}")
            == [#"add {"a":1,"b":1}"#, #"add {"a":2,"b":2}"#])
        #expect(calls("Action: add\nAction Input: {\"a\": 1, \"b\": 2}\nAction: convert_units\nAction Input: {\"value\": 3, \"from\": \"km\", \"to\": \"mi\"}")
            == [#"add {"a":1,"b":2}"#, #"convert_units {"from":"km","to":"mi","value":3}"#])
        #expect(calls(#"{'name': 'add', 'arguments': {'a': 1, 'b': None, 'exact': True}}"#) == [#"add {"a":1,"b":null,"exact":true}"#])
        // Cut by the token limit while repeating itself: the calls written whole are kept.
        #expect(calls("{\n  \"tool_calls\": [{\n    \"arguments\": {\n      \"b\": 7\n    ,\"a\": 12\n  },\n  \"name\": \"add\"\n},\n  {\n    \"arguments\": {\n  ")
            == [#"add {"a":12,"b":7}"#])
    }

    @Test("answers: plain text, the answer object, ReAct's final answer, and JSON that is data")
    func answers() {
        #expect(parser.parse("The capital of France is Paris.") == .answer("The capital of France is Paris."))
        #expect(parser.parse(#"{"answer": "It is 21 °C in Paris."}"#) == .answer("It is 21 °C in Paris."))
        #expect(parser.parse("Thought: I know it now.\nFinal Answer: 42") == .answer("42"))
        #expect(parser.parse("Action: Final Answer\nAction Input: 42") == .answer("42"))
        let data = #"Here is the record: {"name": "Alice", "age": 3}"#
        #expect(parser.parse(data) == .answer(data))
    }

    @Test("refused with the reason, not guessed", arguments: [
        (#"{"tool_calls": [{"name": "get_wether", "arguments": {"city": "Paris"}}]}"#, "`get_wether`, which is not one of the tools"),
        ("Action: search_web\nAction Input: {\"q\": \"x\"}", "`search_web`, which is not one of the tools"),
        (#"{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}"#, "not valid JSON"),
        (#"{"name": "get_weather", "arguments": "Paris"}"#, "not a JSON object"),
        ("Action: add\nAction Input: two and three", "not a JSON object"),
    ])
    func malformed(_ text: String, _ reason: String) {
        guard case .malformed(let said) = parser.parse(text) else {
            Issue.record("\(text) was read as \(parser.parse(text))")
            return
        }
        #expect(said.contains(reason), "\(said)")
    }

    @Test("the prompted request: tools in the system prompt, calls and results as plain turns, a schema when constrained")
    func format() {
        let weather = ToolDefinition(name: "get_weather", description: "Weather now", parameters: ["type": "object", "properties": ["city": ["type": "string"]]])
        let request = ChatRequest(model: "m", messages: [
            .system("Be brief."), .user("Weather in Paris?"),
            .assistant("", toolCalls: [ToolCall(id: "c1", name: "get_weather", arguments: #"{"city":"Paris"}"#)]),
            .tool(callID: "c1", name: "get_weather", content: #"{"temp":21}"#),
        ], tools: [weather])
        let prompted = PromptedToolFormat(constrained: true).request(for: request)
        #expect(prompted.tools.isEmpty)
        #expect(prompted.messages.map(\.role) == [.system, .user, .assistant, .user])
        #expect(prompted.messages[0].text.hasPrefix("Be brief.") && prompted.messages[0].text.contains("- get_weather: Weather now"))
        #expect(prompted.messages[2].text == #"{"tool_calls":[{"arguments":{"city":"Paris"},"name":"get_weather"}]}"#)
        #expect(prompted.messages[3].text.hasPrefix("Result of `get_weather` (call c1):\n{\"temp\":21}\n"))
        guard case .jsonSchema(_, let schema, _)? = prompted.responseFormat else {
            Issue.record("no schema")
            return
        }
        #expect(schema.jsonText.contains(#""enum":["get_weather"]"#))
        #expect(PromptedToolFormat(constrained: false).request(for: request).responseFormat == nil)
    }
}
