/// The shape the model's answer must take.
public enum ResponseFormat: Sendable, Hashable, Codable {
    /// Free text (the default).
    case text
    /// Any valid JSON object.
    case jsonObject
    /// JSON that matches `schema`.
    case jsonSchema(name: String, schema: JSONValue, strict: Bool?)
}
