import FerryAgent
import FerryConfig
import FerryCore
import FerryProviders
import FerryRouter
import Foundation
import Testing

/// What a reload changes: backends kept as they run, built anew, removed; routes replaced; settings that wait for
/// a restart named; launched and `dns://` backends refused.
@Suite("Configuration change (reload)")
struct ConfigurationChangeTests {
    private func load(_ yaml: String) async throws -> FerryConfiguration {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-change-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await ConfigurationLoader.load(file: path, environment: [:])
    }

    private let base = """
        backends:
          a: {provider: vllm, url: "http://127.0.0.1:1/v1", model: m}
          b: {provider: ollama, url: "http://127.0.0.1:2", model: m}
        routes:
          default: {backends: [a, b]}
        server:
          port: 8080

        """

    @Test("an unchanged backend is kept, a changed one built, a gone one removed; other settings wait for a restart")
    func plan() async throws {
        let old = try await load(base)
        let new = try await load("""
            backends:
              a: {provider: vllm, url: "http://127.0.0.1:1/v1", model: m}
              b: {provider: ollama, url: "http://127.0.0.1:3", model: m}
              c: {provider: vllm, url: "http://127.0.0.1:4/v1", model: m}
            routes:
              default: {backends: [b, c], strategy: round-robin}
              solo: {backends: [a], rag: {collection: manuals}}
            server:
              port: 9090

            """)
        let change = try ConfigurationChange.between(old, new)
        #expect(change.kept.map(\.name) == ["a"])
        #expect(change.built.map(\.name) == ["b", "c"])
        #expect(change.removed.isEmpty)
        #expect(change.changesRouting)
        #expect(change.restartOnly == ["routes.solo.rag.collection", "server.port"])
        let same = try ConfigurationChange.between(old, try await load(base))
        #expect(!same.changesRouting && same.restartOnly.isEmpty && same.kept.count == 2)
    }

    @Test("the router takes the new routes; kept backends keep their providers")
    func applies() async throws {
        let old = try await load(base)
        let http = ProviderHTTPClient()
        let router = try await RouterFactory.makeRouter(old, http: http)
        let keptProvider = try #require(router.routes[0].backends.first { $0.name == "a" }).model
        let new = try await load(base.replacingOccurrences(of: "default: {backends: [a, b]}", with: "default: {backends: [b]}\n  other: {backends: [a]}"))
        try await RouterFactory.apply(try ConfigurationChange.between(old, new), to: router, http: http)
        #expect(router.routes.map(\.name) == ["default", "other"])
        #expect(router.routes[0].backends.map(\.name) == ["b"])
        #expect(router.routes[1].backends.first?.model as AnyObject === keptProvider as AnyObject)
        try await http.shutdown()
    }

    @Test("a dns:// backend added, or a launched one changed, refuses the reload and says why")
    func refusals() async throws {
        let old = try await load(base)
        let withDNS = try await load(base.replacingOccurrences(of: "routes:", with: "  d: {provider: vllm, url: \"dns://localhost:8000\", model: m}\nroutes:"))
        #expect {
            try ConfigurationChange.between(old, withDNS)
        } throws: { error in
            "\(error)".contains("backend d is discovered through dns://") && "\(error)".contains("restart ferry serve")
        }
        let launched = try await load(base.replacingOccurrences(of: "routes:", with: "  l: {provider: vllm, model: m, launch: {preset: sim}}\nroutes:"))
        let relaunched = try await load(base.replacingOccurrences(of: "routes:", with: "  l: {provider: vllm, model: other, launch: {preset: sim}}\nroutes:"))
        #expect {
            try ConfigurationChange.between(launched, relaunched)
        } throws: { error in
            "\(error)".contains("backend l is launched by Ferry")
        }
    }
}

@Suite("Configuration: tools and MCP servers")
struct ToolsConfigurationTests {
    @Test("tools: prompted, the engine prompted by default, mcp.servers in both shapes, and a server with neither")
    func toolsAndServers() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-tools-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            backends:
              plain: {provider: vllm, url: "http://127.0.0.1:1/v1", model: m, tools: prompted}
              native: {provider: vllm, url: "http://127.0.0.1:2/v1", model: m}
              local: {launch: {preset: engine}}
            routes:
              default: {backends: [plain, native, local]}
            mcp:
              servers:
                time: {command: uvx, args: [mcp-server-time, --local-timezone, UTC], env: {TZ: UTC}}
                docs: {url: "http://127.0.0.1:9000/mcp", headers: {Authorization: Bearer x}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try await ConfigurationLoader.load(file: path, environment: [:])
        let backends = Dictionary(uniqueKeysWithValues: configuration.backends.map { ($0.name, $0) })
        #expect(backends["plain"]?.usesPromptedTools == true && backends["plain"]?.constrainsPromptedTools == false)
        #expect(backends["native"]?.usesPromptedTools == false)
        #expect(backends["local"]?.usesPromptedTools == true && backends["local"]?.constrainsPromptedTools == true)
        let servers = Dictionary(uniqueKeysWithValues: configuration.mcpServers.map { ($0.name, $0.transport) })
        #expect(servers["time"] == .command("uvx", arguments: ["mcp-server-time", "--local-timezone", "UTC"], environment: ["TZ": "UTC"]))
        #expect(servers["docs"] == .url("http://127.0.0.1:9000/mcp", headers: ["Authorization": "Bearer x"]))

        try "backends:\n  a: {provider: vllm, url: \"http://127.0.0.1:1/v1\", tools: sometimes}\n".write(toFile: path, atomically: true, encoding: .utf8)
        await #expect { try await ConfigurationLoader.load(file: path, environment: [:]) } throws: { error in
            "\(error)".contains("backends.a.tools") && "\(error)".contains("prompted")
        }
        try "mcp:\n  servers:\n    broken: {args: [x]}\n".write(toFile: path, atomically: true, encoding: .utf8)
        await #expect { try await ConfigurationLoader.load(file: path, environment: [:]) } throws: { error in
            "\(error)".contains("`broken` has neither `command` nor `url`")
        }
    }

    @Test("--mcp command lines: quotes keep parts whole, the name comes from the script or program, URLs are HTTP servers")
    func commandLines() {
        #expect(MCPServerSpec.commandLine("python3 '/tmp/my tools.py' --flag")?.transport == .command("python3", arguments: ["/tmp/my tools.py", "--flag"]))
        #expect(MCPServerSpec.commandLine("python3 /srv/weather.py")?.name == "weather")
        #expect(MCPServerSpec.commandLine("uvx mcp-server-time")?.name == "mcp-server-time")
        #expect(MCPServerSpec.commandLine("/opt/bin/weather-mcp --port 1")?.name == "weather-mcp")
        #expect(MCPServerSpec.commandLine("http://127.0.0.1:9/mcp")?.transport == .url("http://127.0.0.1:9/mcp"))
        #expect(MCPServerSpec.commandLine("   ") == nil)
    }
}
