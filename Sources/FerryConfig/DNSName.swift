import FerryCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `dns://host:port` backend address: every address `host` resolves to is a replica (e.g. a Kubernetes
/// headless service).
public struct DNSName: Sendable, Hashable {
    public var host: String
    public var port: Int

    /// Parses `dns://host:port`; nil when it is not of that form.
    public init?(_ url: String) {
        guard url.lowercased().hasPrefix("dns://") else { return nil }
        let rest = url.dropFirst(6).split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        let host = String(rest[..<colon])
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    /// The addresses the name resolves to now, as URL hosts (`10.0.0.5`, `[fd00::5]`), sorted. Resolution runs on
    /// NIO's thread pool: it blocks, so never on an event loop.
    public func resolve() async throws -> [String] {
        let host = self.host
        let port = self.port
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &result)
            guard status == 0, let first = result else {
                throw FerryError(
                    code: .connectionFailed,
                    message: "The host `\(host)` does not resolve (dns://\(host):\(port))",
                    hint: "check the name; inside a container or cluster use the service's DNS name (e.g. a Kubernetes headless service)"
                )
            }
            defer { freeaddrinfo(first) }
            var addresses: Set<String> = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    addresses.insert(text.contains(":") ? "[\(text)]" : text)
                }
                cursor = entry.pointee.ai_next
            }
            return addresses.sorted()
        }
    }
}
