import FerryConfig
import FerryCore
import FerryProviders
import FerryRouter
import FerrySim
import Foundation
import Logging
import Testing

@Suite("Replicas: several URLs, and dns:// names")
struct ReplicaTests {

    private func writeConfig(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("dns:// names parse as host and port, and nothing else does")
    func dnsNames() {
        #expect(DNSName("dns://vllm-headless.default.svc:8000") == DNSName("dns://vllm-headless.default.svc:8000"))
        #expect(DNSName("dns://vllm:8000")?.host == "vllm" && DNSName("dns://vllm:8000")?.port == 8000)
        #expect(DNSName("dns://vllm") == nil && DNSName("http://vllm:8000") == nil && DNSName("dns://:80") == nil)
    }

    @Test("a backend with several URLs is several replicas, balanced by the route's strategy")
    func staticReplicas() async throws {
        let first = SimServer(configuration: .instant(dialect: .vllm))
        let second = SimServer(configuration: .instant(dialect: .vllm))
        let http = ProviderHTTPClient()
        try await first.withRunning { firstPort in
            try await second.withRunning { secondPort in
                let path = try writeConfig("""
                    backends:
                      vllm:
                        provider: vllm
                        url: [http://127.0.0.1:\(firstPort), http://127.0.0.1:\(secondPort)/v1]
                        model: demo
                    routes:
                      default:
                        backends: [vllm]
                        strategy: round-robin
                    """)
                let router = try await RouterFactory.makeRouter(try await ConfigurationLoader.load(file: path, environment: [:]), http: http)
                #expect(router.routes[0].backends.map(\.name) == ["vllm@127.0.0.1:\(firstPort)", "vllm@127.0.0.1:\(secondPort)"])
                for _ in 0..<6 { _ = try await router.chat(ChatRequest(model: "default", messages: [.user("x")])) }
                #expect(first.engine.stats.snapshot.completed == 3 && second.engine.stats.snapshot.completed == 3)
            }
        }
        try await http.shutdown()
    }

    @Test("dns://localhost:PORT uses every address the name resolves to; refreshing keeps the replicas")
    func dnsReplicas() async throws {
        let sim = SimServer(configuration: .instant(dialect: .vllm))
        let http = ProviderHTTPClient()
        try await sim.withRunning { port in
            let path = try writeConfig("""
                backends:
                  vllm:
                    provider: vllm
                    url: dns://localhost:\(port)
                    model: demo
                routes:
                  default:
                    backends: [vllm]
                """)
            let configuration = try await ConfigurationLoader.load(file: path, environment: [:])
            let router = try await RouterFactory.makeRouter(configuration, http: http)
            let names = router.routes[0].backends.map(\.name)
            #expect(names.contains("vllm@127.0.0.1:\(port)"), "\(names)")
            #expect(router.routes[0].backends.allSatisfy { $0.group == "vllm" })
            // Any other address of localhost (::1) refuses; the router moves on to the one that answers.
            #expect(try await router.chat(ChatRequest(model: "default", messages: [.user("x")])).finishReason == .stop)
            let discovery = try #require(RouterFactory.replicaDiscovery(configuration, router: router, http: http))
            await discovery.refresh()
            #expect(router.routes[0].backends.map(\.name) == names)
        }
        try await http.shutdown()
    }

    @Test("a dns:// URL without a port is refused with the right form")
    func badDNS() async throws {
        let path = try writeConfig("""
            backends:
              vllm:
                provider: vllm
                url: dns://vllm-headless
            routes:
              default:
                backends: [vllm]
            """)
        do {
            _ = try await ConfigurationLoader.load(file: path, environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("dns://HOST:PORT"))
        }
    }
}
