/// Which server FerrySim plays.
public enum SimDialect: String, Sendable, CaseIterable, Codable {
    /// The OpenAI API plus vLLM's extras (`/health`, `/version`, `/metrics`, `/tokenize`, `/detokenize`).
    case vllm
    /// The Ollama API.
    case ollama
    /// The Gemini API (`/v1beta/models/{model}:generateContent`).
    case gemini
    /// Anthropic's Messages API (`/v1/messages`, `/v1/messages/count_tokens`, `/v1/models`).
    case anthropic
}

/// How FerrySim serves concurrent requests.
public enum SimMode: String, Sendable, CaseIterable, Codable {
    /// Up to `maxConcurrency` requests generate at once, like vLLM's continuous batching.
    case batched
    /// One request at a time; the others wait in order, like a single-slot Ollama.
    case serial
}
