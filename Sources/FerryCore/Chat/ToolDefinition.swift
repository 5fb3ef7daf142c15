/// A function the model may call, described by a JSON schema.
///
/// ```swift
/// let weather = ToolDefinition(
///     name: "get_weather",
///     description: "Current weather for a city",
///     parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]
/// )
/// ```
public struct ToolDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    /// JSON schema of the arguments object.
    public var parameters: JSONValue
    /// OpenAI's strict schema adherence flag, when the client set it.
    public var strict: Bool?

    public init(name: String, description: String? = nil, parameters: JSONValue = ["type": "object", "properties": [:]], strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
    }
}
