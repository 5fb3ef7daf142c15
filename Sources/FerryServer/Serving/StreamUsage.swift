import FerryCore

/// What a stream used, for the request's key: the usage its end reports, and the size of its text and tool-call
/// arguments (for an estimate when it reports none).
struct StreamUsage {
    private(set) var reported: Usage?
    private(set) var answerBytes = 0

    mutating func observe(_ event: ChatEvent) {
        switch event {
        case .textDelta(let text): answerBytes += text.utf8.count
        case .toolCallDelta(let delta): answerBytes += delta.arguments.utf8.count
        case .finish(let end): if let usage = end.usage { reported = usage }
        default: break
        }
    }

    /// The text of an event that arrived as bytes (the inline path's text deltas).
    mutating func observe(textBytes count: Int) {
        answerBytes += count
    }
}
