import FerryCore
import Foundation
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test("integers and floats stay apart through a round trip")
    func roundTripsNumbers() throws {
        let value = try JSONValue(parsing: #"{"minimum":0,"scale":0.5,"big":9007199254740993,"flags":[true,null,"x"]}"#)
        #expect(value["minimum"] == .integer(0))
        #expect(value["scale"] == .number(0.5))
        #expect(value["big"] == .integer(9_007_199_254_740_993))
        #expect(value["flags"] == [true, nil, "x"])
        #expect(try JSONValue(parsing: value.jsonText) == value)
    }

    @Test("jsonText is deterministic: keys sorted, no escaped slashes")
    func deterministicText() {
        let value: JSONValue = ["b": 1, "a": ["url": "http://x/y"]]
        #expect(value.jsonText == #"{"a":{"url":"http://x/y"},"b":1}"#)
    }

    @Test("image data URLs expose their MIME type and payload")
    func imageInlineData() {
        let image = ImageSource(base64: "iVBORw0KGgo=", mimeType: "image/png")
        #expect(image.inlineData?.mimeType == "image/png")
        #expect(image.inlineData?.base64 == "iVBORw0KGgo=")
        #expect(ImageSource(url: "https://example.com/cat.png").inlineData == nil)
    }

    @Test("core values round-trip through Codable")
    func coreValuesAreCodable() throws {
        let request = ChatRequest(
            model: "m",
            messages: [.system("s"), .user("u"), .assistant("", toolCalls: [ToolCall(id: "1", name: "f", arguments: "{}")]), .tool(callID: "1", name: "f", content: "ok")],
            tools: [ToolDefinition(name: "f", parameters: ["type": "object"])],
            toolChoice: .function("f"),
            sampling: SamplingParameters(temperature: 0.2, maxTokens: 9, stop: ["\n"]),
            responseFormat: .jsonSchema(name: "r", schema: ["type": "object"], strict: true)
        )
        let data = try JSONEncoder().encode(request)
        #expect(try JSONDecoder().decode(ChatRequest.self, from: data) == request)
    }
}
