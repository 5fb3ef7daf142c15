import FerryCore
import Logging
import MCP

/// The tools of several MCP servers, connected together: each server started or reached, its tools listed; a name
/// two servers share is prefixed with the server's name on both (`time_now`, `clock_now`). ``tools`` reads the
/// servers' lists as they are now (a server may change its list while connected).
///
/// ```swift
/// let toolbox = try await MCPToolbox.connect([MCPServerSpec(name: "time", transport: .command("uvx", arguments: ["mcp-server-time"]))])
/// let agent = Agent(model: router, modelName: "default", tools: await toolbox.tools)
/// await toolbox.close()
/// ```
public struct MCPToolbox: Sendable {
    public let connections: [MCPConnection]

    public static func connect(_ specs: [MCPServerSpec], logger: Logger = Logger(label: "ferry.mcp")) async throws -> MCPToolbox {
        var connections: [MCPConnection] = []
        do {
            for spec in specs {
                let connection = MCPConnection(spec: spec, logger: logger)
                try await connection.connect()
                connections.append(connection)
            }
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
        return MCPToolbox(connections: connections)
    }

    /// Every server's tools, names made unique.
    public var tools: [MCPTool] {
        get async {
            var listed: [(server: String, tool: MCP.Tool, connection: MCPConnection)] = []
            for connection in connections {
                for tool in await connection.tools { listed.append((connection.spec.name, tool, connection)) }
            }
            var counts: [String: Int] = [:]
            for entry in listed { counts[entry.tool.name, default: 0] += 1 }
            return listed.map { entry in
                let name = counts[entry.tool.name, default: 0] > 1 ? "\(entry.server)_\(entry.tool.name)" : entry.tool.name
                return MCPTool(entry.tool, name: name, connection: entry.connection)
            }
        }
    }

    public func close() async {
        for connection in connections { await connection.close() }
    }
}
