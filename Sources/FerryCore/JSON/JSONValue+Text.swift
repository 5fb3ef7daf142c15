import Foundation

extension JSONValue {
    /// Parses JSON text (for example a tool call's `arguments` string).
    ///
    /// ```swift
    /// let args = try JSONValue(parsing: #"{"city":"Paris"}"#)
    /// ```
    public init(parsing text: String) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// Compact JSON text with sorted keys, so the same value always gives the same text.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
