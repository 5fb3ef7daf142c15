#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The process's open-file limit, raised at start so that `server.max_connections` can be served: each connection
/// is a descriptor, and so is each one refused with an answer (up to as many again), besides backend connections and
/// files. The soft limit (often 1,024) goes up to what is needed, within the hard limit; when the hard limit is too
/// low, a warning says what to change.
enum FileDescriptorLimit {
    /// Descriptors kept for everything that is not a client connection.
    static let reserve: rlim_t = 1024

    static func raise(toServe maxConnections: Int?, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        // Room for the refused connections too when the hard limit allows; the served ones at least.
        let wanted = maxConnections.map { rlim_t($0) * 2 + reserve } ?? limit.rlim_max
        let needed = maxConnections.map { rlim_t($0) + reserve } ?? 0
        guard limit.rlim_cur < wanted else { return }
        var raised = limit
        raised.rlim_cur = min(wanted, limit.rlim_max)
        let soft = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 ? raised.rlim_cur : limit.rlim_cur
        if soft < needed, let maxConnections {
            logger.warning(
                "The open-file limit is too low for server.max_connections",
                metadata: [
                    "limit": "\(soft)", "needed": "\(needed)", "where": "RLIMIT_NOFILE of this process",
                    "hint": "raise it (ulimit -n \(needed), LimitNOFILE= in a systemd unit, --ulimit nofile= for Docker) or lower server.max_connections below \(soft > reserve ? Int(soft - reserve) : 1)",
                    "max_connections": "\(maxConnections)",
                ]
            )
        }
    }
}
