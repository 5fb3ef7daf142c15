import AsyncHTTPClient
import Foundation
import FerryCore
import NIOCore
import NIOPosix

/// Turns what the network stack throws into ``FerryError``s that say what happened, at which URL, and what to
/// try — for example the command that starts the server.
enum TransportErrors {
    static func ferryError(for error: any Error, location: ErrorLocation, startHint: String) -> FerryError {
        if let ferry = error as? FerryError { return ferry.located(location) }
        if error is CancellationError {
            return FerryError(code: .cancelled, message: "The request was cancelled", location: location, hint: "nothing to do: the caller gave up")
        }
        let url = location.url ?? "the backend"
        let host = location.url.flatMap { try? BackendEndpoint($0) }?.host ?? "the host"
        if let client = error as? HTTPClientError {
            switch client {
            case .cancelled:
                return FerryError(code: .cancelled, message: "The request was cancelled", location: location, hint: "nothing to do: the caller gave up")
            case .getConnectionFromPoolTimeout:
                return FerryError(
                    code: .timeout, message: "Every connection Ferry may open to \(url) was busy until the connect timeout", location: location,
                    hint: "raise http.max_connections_per_host (each stream in flight holds a connection), or add a replica"
                )
            case .connectTimeout:
                return connectTimedOut(url, location: location, startHint: startHint)
            case .deadlineExceeded:
                return FerryError(code: .timeout, message: "The request to \(url) took longer than its deadline", location: location, hint: "raise the request timeout, or ask for fewer tokens")
            case .readTimeout:
                return FerryError(code: .timeout, message: "\(url) stopped sending data", location: location, hint: "the server may be overloaded or stuck; check its logs")
            case .remoteConnectionClosed:
                return closedBeforeAnswer(url, location: location)
            default:
                break
            }
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout:
                return connectTimedOut(url, location: location, startHint: startHint)
            case .ioOnClosedChannel, .eof, .alreadyClosed:
                return closedBeforeAnswer(url, location: location)
            default:
                break
            }
        }
        let text = String(describing: error)
        if let connection = error as? NIOConnectionError, connection.connectionErrors.isEmpty, connection.dnsAError != nil || connection.dnsAAAAError != nil {
            return unresolvable(host: host, location: location)
        }
        if text.contains("NXDOMAIN") || text.contains("nodename nor servname") || text.contains("Name or service not known") || text.contains("resolution") || text.contains("dnsAError") {
            return unresolvable(host: host, location: location)
        }
        if text.contains("refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            return FerryError(
                code: .connectionFailed, message: "Nothing is listening at \(url) (connection refused)", location: location,
                hint: startHint.isEmpty ? "start the server, or fix the host and port" : startHint
            )
        }
        if text.contains("reset") || text.contains("ECONNRESET") || text.contains("errno: 104") || text.contains("EOF") {
            return FerryError(code: .connectionFailed, message: "\(url) reset the connection", location: location, hint: "the server may have crashed or dropped the request; check its logs")
        }
        return FerryError(code: .connectionFailed, message: "Could not talk to \(url): \(text)", location: location, hint: startHint.isEmpty ? "check the URL and that the server is up" : startHint)
    }

    private static func connectTimedOut(_ url: String, location: ErrorLocation, startHint: String) -> FerryError {
        FerryError(code: .timeout, message: "Connecting to \(url) timed out", location: location, hint: "check that the server is up and reachable from here; \(startHint)")
    }

    private static func closedBeforeAnswer(_ url: String, location: ErrorLocation) -> FerryError {
        FerryError(code: .connectionFailed, message: "\(url) closed the connection before answering", location: location, hint: "the server may have crashed or restarted; check its logs")
    }

    private static func unresolvable(host: String, location: ErrorLocation) -> FerryError {
        FerryError(
            code: .connectionFailed,
            message: "The host `\(host)` does not resolve",
            location: location,
            hint: "check the spelling; inside a container `localhost` is the container itself: use the service name (docker compose), host.docker.internal, or the host's address"
        )
    }

    /// Retry-After as seconds (the HTTP-date form is not honoured).
    static func retryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }
}
