import Foundation

/// Free TCP ports on 127.0.0.1.
public enum FreePort {
    /// A port nothing listens on now (the system's choice).
    public static func any() -> Int? {
        withLoopbackSocket(port: 0) { socket, address in
            guard bind(socket, address, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 else { return nil }
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &bound) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
            }
            return named == 0 ? Int(UInt16(bigEndian: bound.sin_port)) : nil
        }
    }

    /// Whether something listens on `port` of 127.0.0.1 (a connect succeeds; on loopback a refusal is immediate).
    public static func isTaken(_ port: Int) -> Bool {
        withLoopbackSocket(port: port) { socket, address in connect(socket, address, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 } ?? false
    }

    /// A TCP socket and the address 127.0.0.1:`port`, closed after `body`.
    private static func withLoopbackSocket<Result>(port: Int, _ body: (Int32, UnsafePointer<sockaddr>) -> Result?) -> Result? {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(socket, $0) }
        }
    }
}
