import FerryCore

/// Something an agent can call: its definition (name, description, JSON schema of its arguments) as the model
/// sees it, and the call. A thrown error goes back to the model as the tool's result, marked as a failure.
///
/// ```swift
/// struct Clock: Tool {
///     let definition = ToolDefinition(name: "now", description: "The current UTC time")
///     func call(_ arguments: JSONValue) async throws -> String { Date().ISO8601Format() }
/// }
/// ```
public protocol Tool: Sendable {
    var definition: ToolDefinition { get }
    func call(_ arguments: JSONValue) async throws -> String
}
