import FerryCore
import FerrySim
import FerryWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("FerrySim as Gemini, decoded through FerryWire")
struct GeminiDialectTests {
    @Test("generateContent, and streamGenerateContent as SSE and as a JSON array, agree")
    func generate() async throws {
        try await withSim(.instant(dialect: .gemini, models: ["gemini-2.0-flash"])) { sim in
            let body = #"{"contents":[{"role":"user","parts":[{"text":"Explain tides"}]}],"systemInstruction":{"parts":[{"text":"Be brief"}]},"generationConfig":{"maxOutputTokens":6}}"#
            let whole = try WireJSON.decode(GeminiGenerateContentResponse.self, from: try await sim.send(.post, "/v1beta/models/gemini-2.0-flash:generateContent", json: body, headers: [HTTPField.Name("x-goog-api-key")!: "k"]).bodyBytes)
            #expect(whole.candidates?.first?.finishReason == "MAX_TOKENS")
            #expect(whole.usageMetadata?.candidatesTokenCount == 6)
            let response = try whole.chatResponse(model: "gemini-2.0-flash")
            let sse = try await sim.send(.post, "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", json: body)
            #expect(sse.headers[.contentType] == "text/event-stream")
            #expect(try assemble(try decodeStream(sse.bodyBytes, dialect: .gemini)).text == response.text)
            let array = try await sim.send(.post, "/v1beta/models/gemini-2.0-flash:streamGenerateContent", json: body)
            #expect(array.text.hasPrefix("[") && array.text.hasSuffix("]"))
            #expect(try assemble(try decodeStream(array.bodyBytes, dialect: .gemini, sse: false)).text == response.text)
        }
    }

    @Test("a function call arrives whole with object args")
    func functionCall() async throws {
        try await withSim(.instant(dialect: .gemini, models: ["gemini-2.0-flash"])) { sim in
            let body = #"{"contents":[{"role":"user","parts":[{"text":"get_weather in Lagos"}]}],"tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}]}"#
            let whole = try WireJSON.decode(GeminiGenerateContentResponse.self, from: try await sim.send(.post, "/v1beta/models/gemini-2.0-flash:generateContent", json: body).bodyBytes)
            let call = try #require(whole.candidates?.first?.content?.parts.first?.functionCall)
            #expect(call.name == "get_weather")
            #expect(call.args?["city"]?.stringValue != nil)
            #expect(whole.candidates?.first?.finishReason == "STOP")
        }
    }

    @Test("models list, unknown model 404, malformed JSON 400 in Google's shape")
    func metadataAndErrors() async throws {
        try await withSim(.instant(dialect: .gemini, models: ["gemini-2.0-flash"])) { sim in
            let models = try WireJSON.decode(GeminiModelList.self, from: try await sim.send(.get, "/v1beta/models").bodyBytes)
            #expect(models.modelInfos.map(\.id) == ["gemini-2.0-flash"])
            let unknown = try await sim.send(.post, "/v1beta/models/gemini-9:generateContent", json: #"{"contents":[{"parts":[{"text":"x"}]}]}"#)
            #expect(unknown.status == .notFound)
            #expect(try WireJSON.decode(GeminiErrorBody.self, from: unknown.bodyBytes).error.status == "NOT_FOUND")
            let malformed = try await sim.send(.post, "/v1beta/models/gemini-2.0-flash:generateContent", json: "[")
            #expect(malformed.status == .badRequest)
            #expect(try WireJSON.decode(GeminiErrorBody.self, from: malformed.bodyBytes).error.status == "INVALID_ARGUMENT")
        }
    }
}
