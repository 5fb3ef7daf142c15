import FerryCore
import Foundation
@testable import FerryWire
import Testing

@Suite("Chat completion summaries: an answer forwarded as it stands is one the full reader accepts")
struct OpenAIChatCompletionSummaryTests {
    /// vLLM's shape: extensions (`stop_reason`, empty `tool_calls`, null details), escapes and non-ASCII text.
    static let vllm = #"""
    {"id":"chatcmpl-1","object":"chat.completion","created":1767225600,"model":"Qwen/Qwen2.5-1.5B-Instruct",
     "choices":[{"index":0,"message":{"role":"assistant","content":"Caf\u00e9 \"ferries\" — à bord.\n","tool_calls":[],
     "reasoning_content":null},"logprobs":null,"finish_reason":"stop","stop_reason":null}],
     "usage":{"prompt_tokens":24,"total_tokens":72,"completion_tokens":48,"prompt_tokens_details":{"cached_tokens":16}},
     "prompt_logprobs":null,"kv_transfer_params":null,"score":-1.5e-3}
    """#

    /// The full path: decoded and made a core response, as the gateway does when it does not forward.
    private func fullyRead(_ text: String) throws -> ChatResponse {
        try WireJSON.decode(OpenAIChatCompletion.self, from: Array(text.utf8)).chatResponse()
    }

    @Test("an answer with a backend's extensions is accepted, with the usage the full reader finds")
    func accepted() throws {
        let summary = try #require(OpenAIChatCompletionSummary(Array(Self.vllm.utf8)))
        #expect(summary.usage == Usage(promptTokens: 24, completionTokens: 48, cachedPromptTokens: 16))
        #expect(summary.usage == (try fullyRead(Self.vllm)).usage)
        let toolCall = #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"#
        #expect(OpenAIChatCompletionSummary(Array(toolCall.utf8))?.usage == nil)
        #expect(OpenAIChatCompletionSummary(Array(toolCall.utf8)) != nil)
    }

    @Test("what the gateway must fill in or the full reader rejects is left to the full reader", arguments: [
        #"{"id":"c","object":"chat.completion","created":1,"model":"","choices":[{"message":{"role":"assistant","content":"x"}}]}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[]}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m"}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop"}]}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"role":"user","content":"x"}}]}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"content":"x"}}]}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"role":"assistant","content":[{"type":"text","text":"x"}]}}]}"#,
        #"{"id":"c","object":"chat.completion","created":1.5,"model":"m","choices":[{"message":{"role":"assistant","content":"x"}}]}"#,
        #"{"error":{"message":"boom","type":"server_error"}}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"role":"assistant","content":"\q"}}]}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"role":"assistant","content":"x"}}],"n":01}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"role":"assistant","content":"x"}}],"n":1.}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"role":"assistant","content":"x"}}],"n":"\u12"}"#,
        #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"role":"assistant","content":"x"}}]} x"#,
    ])
    func left(_ text: String) {
        #expect(OpenAIChatCompletionSummary(Array(text.utf8)) == nil)
    }

    @Test("invalid UTF-8 anywhere is left to the full reader")
    func invalidUTF8() throws {
        var bytes = Array(Self.vllm.utf8)
        let dash = try #require(bytes.firstIndex(of: 0xE2), "the em dash's first byte")
        bytes[dash + 1] = UInt8(ascii: "A")
        #expect(OpenAIChatCompletionSummary(bytes) == nil)
    }

    @Test("every prefix and every single-byte change it accepts is JSON the full reader accepts too")
    func mutations() throws {
        let bytes = Array(Self.vllm.utf8)
        for end in 0..<bytes.count where OpenAIChatCompletionSummary(bytes[..<end]) != nil {
            Issue.record("a prefix of \(end) bytes was accepted")
        }
        let replacements: [UInt8] = Array(#"{}[]",:\0123456789-+.eEtrunfalsx "#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var accepted = 0
        for position in bytes.indices {
            for replacement in replacements where replacement != bytes[position] {
                var changed = bytes
                changed[position] = replacement
                guard let summary = OpenAIChatCompletionSummary(changed) else { continue }
                accepted += 1
                let text = try #require(String(validating: changed, as: UTF8.self), "accepted invalid UTF-8 at \(position)")
                #expect((try? JSONSerialization.jsonObject(with: Data(changed))) != nil, "accepted invalid JSON: \(text)")
                let full = try? fullyRead(text)
                #expect(full != nil, "accepted what the full reader rejects: \(text)")
                #expect(full.map { $0.usage == summary.usage } ?? true, "usage differs: \(text)")
            }
        }
        #expect(accepted > 0, "changes inside the text leave a valid answer")
    }
}
