import FerryCore

/// An MCP server to take tools from, in the shape other MCP hosts use (`mcp.servers.NAME` in Ferry's configuration):
/// a command started as a child process speaking over its standard input and output, or a Streamable HTTP URL.
///
/// ```swift
/// let time = MCPServerSpec(name: "time", transport: .command("uvx", arguments: ["mcp-server-time"]))
/// let docs = MCPServerSpec(name: "docs", transport: .url("http://127.0.0.1:9000/mcp", headers: ["Authorization": "Bearer …"]))
/// ```
public struct MCPServerSpec: Sendable, Hashable {
    public enum Transport: Sendable, Hashable {
        /// `command` with `arguments` and extra environment variables, over stdio.
        case command(String, arguments: [String] = [], environment: [String: String] = [:])
        /// Streamable HTTP at `url`, with extra request headers.
        case url(String, headers: [String: String] = [:])
    }

    public var name: String
    public var transport: Transport

    public init(name: String, transport: Transport) {
        self.name = name
        self.transport = transport
    }

    /// A server from a command line as one string (`ferry agent --mcp "python3 server.py --flag"`), split at spaces
    /// (single or double quotes keep a part whole); named after the program.
    public static func commandLine(_ line: String, name: String? = nil) -> MCPServerSpec? {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var started = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                started = true
            case " ", "\t":
                if started || !current.isEmpty { parts.append(current) }
                current = ""
                started = false
            default:
                current.append(character)
            }
        }
        if started || !current.isEmpty { parts.append(current) }
        guard let program = parts.first else { return nil }
        if program.hasPrefix("http://") || program.hasPrefix("https://") {
            return MCPServerSpec(name: name ?? "http", transport: .url(program))
        }
        // Named after what it runs: the program, or for a launcher (python3, uvx, npx…) its first argument.
        func base(_ path: String) -> String {
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return file.split(separator: ".").first.map(String.init) ?? file
        }
        let launchers: Set<String> = ["python", "python3", "uv", "uvx", "npx", "node", "bun", "deno", "bash", "sh", "env", "pipx"]
        var named = base(program)
        if launchers.contains(named), let first = parts.dropFirst().first(where: { !$0.hasPrefix("-") && $0 != "run" }) { named = base(first) }
        return MCPServerSpec(name: name ?? named, transport: .command(program, arguments: Array(parts.dropFirst())))
    }

    /// Servers from several command lines (`--mcp`, repeatable); a name two share gets the line's number
    /// (`tools`, `tools2`), so that their tools can be told apart.
    public static func commandLines(_ lines: [String]) throws(FerryError) -> [MCPServerSpec] {
        var servers: [MCPServerSpec] = []
        for (index, line) in lines.enumerated() {
            guard let spec = commandLine(line) else {
                throw FerryError(code: .configuration, message: "--mcp \"\(line)\" is empty", hint: "give a command line (a server on stdio) or an http:// URL")
            }
            servers.append(servers.contains { $0.name == spec.name } ? MCPServerSpec(name: "\(spec.name)\(index + 1)", transport: spec.transport) : spec)
        }
        return servers
    }
}
