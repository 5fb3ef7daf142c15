import FerryCore
import FerryProviders
import FerrySim
import Logging

/// Runs `body` with a FerrySim server of `configuration` on 127.0.0.1 at a free port and one shared HTTP
/// client; stops both after.
func withBackend<Value: Sendable>(
    _ configuration: SimConfiguration,
    _ body: @Sendable (_ url: String, _ sim: SimServer, _ http: ProviderHTTPClient) async throws -> Value
) async throws -> Value {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let server = SimServer(configuration: configuration)
    let http = ProviderHTTPClient()
    do {
        let value = try await server.withRunning { port in try await body("http://127.0.0.1:\(port)", server, http) }
        try await http.shutdown()
        return value
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// A port on 127.0.0.1 where nothing listens (a simulator was there and has stopped).
func closedPort() async throws -> Int {
    var configuration = SimConfiguration.instant(dialect: .vllm)
    configuration.port = 0
    return try await SimServer(configuration: configuration).withRunning { $0 }
}

/// All events of a stream.
func collect(_ stream: ChatEventStream) async throws -> [ChatEvent] {
    var events: [ChatEvent] = []
    for try await event in stream { events.append(event) }
    return events
}
