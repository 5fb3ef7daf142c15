import FerryCore

/// The counts and timings (nanoseconds) that the final line of `/api/chat` and `/api/generate` carries.
public protocol OllamaMeteredResponse {
    var totalDuration: Int64? { get set }
    var loadDuration: Int64? { get set }
    var promptEvalCount: Int? { get set }
    var promptEvalDuration: Int64? { get set }
    var evalCount: Int? { get set }
    var evalDuration: Int64? { get set }
}

extension OllamaMeteredResponse {
    /// Token counts, when the answer carries them.
    public var usage: Usage? {
        guard promptEvalCount != nil || evalCount != nil else { return nil }
        return Usage(promptTokens: promptEvalCount ?? 0, completionTokens: evalCount ?? 0)
    }

    /// Fills the counts and timings of a final line.
    mutating func apply(usage: Usage?, timings: OllamaTimings) {
        totalDuration = timings.total
        loadDuration = timings.load
        promptEvalCount = usage?.promptTokens ?? 0
        promptEvalDuration = timings.promptEval
        evalCount = usage?.completionTokens ?? 0
        evalDuration = timings.eval
    }
}

extension OllamaChatResponse: OllamaMeteredResponse {}
extension OllamaGenerateResponse: OllamaMeteredResponse {}
