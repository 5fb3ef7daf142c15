import FerryCore
import FerrySim
import FerryWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Behaviour of the timing model, checked through counters, never wall-clock assertions.
@Suite("FerrySim timing model")
struct TimingModelTests {
    private func peak(mode: SimMode) async throws -> Int {
        var configuration = SimConfiguration(dialect: .vllm, timeToFirstToken: .milliseconds(20), prefillTokensPerSecond: 0, tokensPerSecond: 100, maxConcurrency: 8, mode: mode)
        configuration.models = ["demo"]
        return try await withSim(configuration) { sim in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        let body = #"{"model":"demo","max_tokens":8,"messages":[{"role":"user","content":"request \#(index)"}]}"#
                        let response = try await sim.send(.post, "/v1/chat/completions", json: body)
                        #expect(response.status == .ok)
                    }
                }
                try await group.waitForAll()
            }
            let stats = try JSONSerialization.jsonObject(with: Data(try await sim.send(.get, "/_sim/stats").bodyBytes)) as? [String: Any]
            let counters = try #require(stats?["stats"] as? [String: Any])
            #expect(counters["completed"] as? Int == 4)
            return try #require(counters["peakRunning"] as? Int)
        }
    }

    @Test("batched mode runs concurrent requests together; serial mode one at a time")
    func batchedVersusSerial() async throws {
        #expect(try await peak(mode: .serial) == 1)
        #expect(try await peak(mode: .batched) > 1)
    }

    @Test("the prefix cache reports a repeated prefix as cached prompt tokens, in whole blocks")
    func prefixCache() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.prefixCache = true
        let document = (1...60).map { "word\($0)" }.joined(separator: " ")
        try await withSim(configuration) { sim in
            func usage(_ question: String) async throws -> Usage? {
                let body = #"{"model":"demo","messages":[{"role":"system","content":"\#(document)"},{"role":"user","content":"\#(question)"}]}"#
                return try WireJSON.decode(OpenAIChatCompletion.self, from: try await sim.send(.post, "/v1/chat/completions", json: body).bodyBytes).chatResponse().usage
            }
            #expect(try await usage("first question")?.cachedPromptTokens == 0)
            let second = try #require(try await usage("another question"))
            let cached = try #require(second.cachedPromptTokens)
            #expect(cached >= 48 && cached % 16 == 0 && cached < second.promptTokens)
        }
        try await withSim(.instant(dialect: .vllm)) { sim in
            let body = #"{"model":"demo","messages":[{"role":"user","content":"x"}]}"#
            let response = try await sim.send(.post, "/v1/chat/completions", json: body)
            let usage = try WireJSON.decode(OpenAIChatCompletion.self, from: response.bodyBytes).usage
            #expect(usage?.promptTokensDetails == nil)
        }
    }

    @Test("the generator fills every property of a schema within its bounds")
    func schemaArguments() throws {
        let schema = try JSONValue(parsing: #"{"type":"object","properties":{"n":{"type":"integer","minimum":100},"x":{"type":"number","maximum":1},"tags":{"type":"array","items":{"type":"string"},"minItems":2},"mode":{"enum":["a","b"]},"nested":{"type":"object","properties":{"ok":{"type":"boolean"}}},"code":{"type":"string","maxLength":3}}}"#)
        let value = SimGenerator.arguments(for: schema)
        #expect(value["n"] == .integer(100))
        #expect(value["x"] == .number(1))
        #expect(value["tags"]?.arrayValue?.count == 2)
        #expect(value["mode"] == "a")
        #expect(value["nested"]?["ok"] == true)
        #expect(value["code"]?.stringValue?.count == 3)
        let gemini = try JSONValue(parsing: #"{"type":"OBJECT","properties":{"city":{"type":"STRING"},"n":{"type":"INTEGER"}}}"#)
        #expect(SimGenerator.arguments(for: gemini) == ["city": "sample city", "n": 42], "Gemini's upper-case types")
        #expect(SimGenerator.arguments(for: ["type": "string"]) == [:], "arguments are always an object")
    }
}
