import FerryCore
import MCP

/// A tool of an MCP server, as an agent's ``Tool``: its definition as the server lists it (named
/// `server_tool` when another server has a tool of the same name), its calls sent to the server.
public struct MCPTool: Tool {
    public let definition: ToolDefinition
    /// The tool's name on its server.
    public let remoteName: String
    public let connection: MCPConnection

    init(_ tool: MCP.Tool, name: String, connection: MCPConnection) {
        definition = ToolDefinition(name: name, description: tool.description ?? tool.title, parameters: MCPValue.json(tool.inputSchema))
        remoteName = tool.name
        self.connection = connection
    }

    public func call(_ arguments: JSONValue) async throws -> String {
        let (text, failed) = await connection.call(remoteName, arguments: arguments)
        if failed { throw FerryError(code: .upstreamFailure, message: text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text, hint: "") }
        return text
    }
}
