import FerryCore
import Foundation
import NIOCore
import NIOPosix

/// The two checks below HTTP: does the name resolve, and does anything accept a TCP connection on the port.
enum NetworkCheck {
    enum ConnectResult: Sendable, Equatable {
        case connected
        case refused
        case timedOut
        case failed(String)
    }

    /// The addresses `host` resolves to (the system resolver, off the event loops); empty when it does not.
    static func resolve(_ host: String) async -> [String] {
        let lookup: @Sendable () -> [String] = {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [String] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST) == 0 {
                    let address = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if !addresses.contains(address) { addresses.append(address) }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }
        return (try? await NIOThreadPool.singleton.runIfActive(lookup)) ?? []
    }

    /// Opens and closes one TCP connection to `host:port`.
    static func connect(host: String, port: Int, timeout: Duration) async -> ConnectResult {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(timeout.milliseconds))
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return .connected
        } catch ChannelError.connectTimeout {
            return .timedOut
        } catch {
            let text = "\(error)"
            if text.contains("refused") || text.contains("errno: 111") || text.contains("ECONNREFUSED") { return .refused }
            if text.contains("connectTimeout") || text.contains("timed out") { return .timedOut }
            return .failed(text)
        }
    }
}
