import FerryCore

/// Gemini's upper-case finish reasons.
public enum GeminiFinishReason {
    public static func wire(_ reason: FinishReason?) -> String {
        switch reason {
        case .length: "MAX_TOKENS"
        case .contentFilter: "SAFETY"
        case .other(let value): value.uppercased()
        case .stop, .toolCalls, nil: "STOP"
        }
    }

    public static func core(_ value: String, calledTools: Bool) -> FinishReason {
        switch value {
        case "STOP": calledTools ? .toolCalls : .stop
        case "MAX_TOKENS": .length
        case "SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY": .contentFilter
        default: .other(value.lowercased())
        }
    }
}
