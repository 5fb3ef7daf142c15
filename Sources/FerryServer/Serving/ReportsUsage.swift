import FerryCore

/// A whole answer that carries the backend's token usage (chat, completion, embedding), read when the request's key
/// counts it.
protocol ReportsUsage {
    var usage: Usage? { get }
}

extension ChatResponse: ReportsUsage {}
extension CompletionResponse: ReportsUsage {}
extension EmbeddingResponse: ReportsUsage {}
