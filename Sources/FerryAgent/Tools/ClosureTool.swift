import FerryCore

/// A ``Tool`` made of a Swift closure.
///
/// ```swift
/// let add = ClosureTool(name: "add", description: "a + b",
///                       parameters: ["type": "object", "properties": ["a": ["type": "number"], "b": ["type": "number"]], "required": ["a", "b"]]) { arguments in
///     String((arguments["a"]?.doubleValue ?? 0) + (arguments["b"]?.doubleValue ?? 0))
/// }
/// ```
public struct ClosureTool: Tool {
    public let definition: ToolDefinition
    private let body: @Sendable (JSONValue) async throws -> String

    public init(name: String, description: String, parameters: JSONValue = ["type": "object", "properties": [:]], _ body: @escaping @Sendable (JSONValue) async throws -> String) {
        definition = ToolDefinition(name: name, description: description, parameters: parameters)
        self.body = body
    }

    public func call(_ arguments: JSONValue) async throws -> String {
        try await body(arguments)
    }
}
