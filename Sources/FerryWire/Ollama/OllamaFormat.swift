import FerryCore
import Foundation

/// Ollama's `format` field and image conventions.
public enum OllamaFormat {
    /// `"json"` for a JSON object, the schema itself for a JSON schema, nil for text.
    public static func value(for format: ResponseFormat) -> JSONValue? {
        switch format {
        case .text: nil
        case .jsonObject: "json"
        case .jsonSchema(_, let schema, _): schema
        }
    }

    /// The core form of `format`.
    public static func responseFormat(for value: JSONValue) throws -> ResponseFormat {
        switch value {
        case .string("json"): return .jsonObject
        case .string(""), .null: return .text
        case .object: return .jsonSchema(name: "response", schema: value, strict: nil)
        default: throw FerryError.invalidRequest("must be \"json\" or a JSON schema object", field: "format")
        }
    }

    /// The MIME type of base64 image bytes, from their magic number (PNG, JPEG, GIF, WebP); PNG otherwise.
    public static func imageMimeType(base64: String) -> String {
        if base64.hasPrefix("/9j/") { return "image/jpeg" }
        if base64.hasPrefix("R0lGOD") { return "image/gif" }
        if base64.hasPrefix("UklGR") { return "image/webp" }
        return "image/png"
    }

    /// Ollama's `done_reason` for a finish reason (tool calls end with `stop`).
    public static func doneReason(_ reason: FinishReason?) -> String {
        switch reason {
        case .length: "length"
        case .other(let value): value
        default: "stop"
        }
    }

    /// The finish reason for Ollama's `done_reason`.
    public static func finishReason(_ doneReason: String?, calledTools: Bool) -> FinishReason {
        switch doneReason {
        case "length": .length
        case "stop", nil, "": calledTools ? .toolCalls : .stop
        case let other?: .other(other)
        }
    }

    /// Seconds since 1970 from an RFC 3339 `created_at` (any number of fractional digits), or now.
    public static func seconds(_ createdAt: String?) -> Int {
        guard var text = createdAt else { return Timestamps.nowSeconds() }
        if let dot = text.firstIndex(of: ".") {
            let end = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) ?? text.endIndex
            text.removeSubrange(dot..<end)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int($0.timeIntervalSince1970) } ?? Timestamps.nowSeconds()
    }

    /// A stable response id for an Ollama answer, which has none.
    public static func responseID(model: String, createdAt: String?) -> String {
        ToolCall.synthesizedID(index: 0, seed: model + (createdAt ?? "")).replacingOccurrences(of: "call_0_", with: "ollama-")
    }
}
