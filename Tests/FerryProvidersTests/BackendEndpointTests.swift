import FerryCore
import FerryProviders
import Testing

@Suite("BackendEndpoint")
struct BackendEndpointTests {
    @Test("with or without /v1, trailing slashes, even /v1/v1: one root, never /v1/v1", arguments: [
        "http://127.0.0.1:8000", "http://127.0.0.1:8000/", "http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1/",
        "http://127.0.0.1:8000/v1/v1", " http://127.0.0.1:8000/V1 ",
    ])
    func normalises(text: String) throws {
        let endpoint = try BackendEndpoint(text)
        #expect(endpoint.root == "http://127.0.0.1:8000")
        #expect(endpoint.url("/v1/chat/completions") == "http://127.0.0.1:8000/v1/chat/completions")
        #expect(endpoint.host == "127.0.0.1")
        #expect(endpoint.port == 8000)
    }

    @Test("a path prefix is kept (OpenRouter's /api/v1)")
    func keepsPrefix() throws {
        #expect(try BackendEndpoint("https://openrouter.ai/api/v1").url("/v1/models") == "https://openrouter.ai/api/v1/models")
        #expect(try BackendEndpoint("http://h:11434/api", versionSuffixes: OllamaProvider.versionSuffixes).root == "http://h:11434")
    }

    @Test("a URL without scheme or host is a configuration error that shows the right form", arguments: ["127.0.0.1:8000", "ftp://h", "http://", "localhost"])
    func rejects(text: String) {
        do {
            _ = try BackendEndpoint(text)
            Issue.record("\(text) should be rejected")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.hint.contains("http://"))
        }
    }
}
