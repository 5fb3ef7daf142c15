import AsyncHTTPClient
import FerryCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The one pooled HTTP client every provider shares. It never retries (only the router does), follows no
/// redirects, and bounds every non-streaming body it reads.
///
/// ```swift
/// let http = ProviderHTTPClient()
/// let vllm = OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint("http://127.0.0.1:8000"), http: http)
/// defer { try? await http.shutdown() }
/// ```
public final class ProviderHTTPClient: Sendable {
    public struct Configuration: Sendable {
        /// Time allowed to open a TCP connection.
        public var connectTimeout: Duration = .seconds(5)
        /// A deadline for a whole request, streams included (the router sets finer ones).
        public var requestTimeout: Duration = .seconds(600)
        /// The most bytes read from a non-streaming body (answers, error bodies, model lists).
        public var maxBodyBytes = 32 << 20
        /// Connections opened to one backend at most. Every stream in flight holds one, so this bounds the concurrent
        /// requests to a backend: beyond it, requests wait for a connection (up to the connect timeout).
        public var maxConnectionsPerHost = 1024
        /// How long an idle keep-alive connection is kept open.
        public var idleTimeout: Duration = .seconds(60)
        /// How long a health probe (each of its requests) may take: a backend that accepts and never answers is
        /// unhealthy after this, not after the request timeout.
        public var probeTimeout: Duration = .seconds(10)

        public init() {}
    }

    public let configuration: Configuration
    let client: HTTPClient
    /// The inline path's connections (plain-HTTP chat requests sent from an event loop), on the same event loops.
    let inline: InlineConnectionPool

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds))
        )
        settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.maxConnectionsPerHost
        settings.connectionPool.idleTimeout = .nanoseconds(configuration.idleTimeout.nanoseconds)
        // AsyncHTTPClient retries a failed connection with backoff until the connect timeout, so a refused
        // connection (vLLM down) would cost the whole timeout before the router could fall back. Only the router
        // retries: fail at once.
        settings.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
        inline = InlineConnectionPool(group: client.eventLoopGroup, configuration: configuration)
    }

    /// A client dropped without ``shutdown()`` (a caller that threw on its way) still stops its pool, in the
    /// background: AsyncHTTPClient stops the whole process over a client left running in debug builds.
    deinit {
        _ = client.shutdown()
    }

    /// Closes the pooled connections. Call once, when nothing uses the client any more.
    public func shutdown() async throws {
        await inline.shutdown()
        try await client.shutdown()
    }

    /// Sends a request; transport failures become ``FerryError``s that name the URL and say how to start the
    /// server (`startHint`).
    func send(_ request: HTTPClientRequest, location: ErrorLocation, startHint: String) async throws -> HTTPClientResponse {
        let timeout = TimeAmount.nanoseconds(configuration.requestTimeout.nanoseconds)
        do {
            return try await client.execute(request, timeout: timeout)
        } catch {
            throw TransportErrors.ferryError(for: error, location: location, startHint: startHint)
        }
    }

    /// Reads a whole body, up to `maxBodyBytes`.
    func collect(_ response: HTTPClientResponse, location: ErrorLocation) async throws -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: configuration.maxBodyBytes)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw FerryError.tooLarge("The backend's answer", limit: configuration.maxBodyBytes, location: location)
        } catch {
            throw TransportErrors.ferryError(for: error, location: location, startHint: "")
        }
    }

    /// What every request accepts: JSON answers and the three streaming formats' content.
    static let accept = "application/json, text/event-stream, application/x-ndjson"

    /// A JSON request to `url`, with the given headers (keys are sent, never logged).
    static func jsonRequest(_ url: String, method: HTTPMethod = .POST, body: ByteBuffer? = nil, headers: [(String, String)]) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "accept", value: accept)
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(body)
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return request
    }
}
