import FerryCore
import Foundation
import Hummingbird
import NIOCore
#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle

/// What the fault plan decided for one request, once the faults that end it at once have been applied.
struct SimAdmission: Sendable {
    var requestNumber: Int?
    var modelNotFound = false
    var dropAfterTokens: Int?
    var malformed = false
    var extraDelay: Duration = .zero
}

extension SimServer {
    /// Counts an inference request and applies the faults that end it before any answer (refuse, hang, 500, 503,
    /// 429); returns the ones the route applies later.
    func admitInference(_ context: SimRequestContext) async throws -> SimAdmission {
        let (number, fired) = engine.faults.admitInference()
        var admission = SimAdmission(requestNumber: number)
        engine.stats.admitted(faulted: fired.contains { if case .slowFirst = $0.kind { number == 1 } else { true } })
        for fault in fired {
            switch fault.kind {
            case .modelNotFound: admission.modelNotFound = true
            case .dropMidStream(let tokens): admission.dropAfterTokens = tokens
            case .malformedChunk: admission.malformed = true
            case .slowFirst(let delay): if number == 1 { admission.extraDelay += delay }
            default: try await applyTerminal(fault, context)
            }
        }
        return admission
    }

    /// Applies the faults that reach endpoints doing no inference (health, lists).
    func admitOther(_ context: SimRequestContext) async throws {
        for fault in engine.faults.admitOther() { try await applyTerminal(fault, context) }
    }

    private func applyTerminal(_ fault: FaultSpec, _ context: SimRequestContext) async throws {
        let dialect = configuration.dialect
        switch fault.kind {
        case .refuse:
            try await Self.reset(context.channel)
            throw CancellationError()
        case .hang:
            // Accept and never answer: until the client gives up (closing the connection) or the server stops.
            let channel = context.channel
            try? await cancelWhenGracefulShutdown {
                while channel.isActive { try await Task.sleep(for: .milliseconds(50)) }
            }
            throw SimHTTPError(.serviceUnavailable, "The server is shutting down", dialect: dialect)
        case .serverError:
            throw SimHTTPError(.internalServerError, "Simulated internal server error (fault \(fault))", dialect: dialect)
        case .unavailable:
            throw SimHTTPError(.serviceUnavailable, "The server is overloaded or not ready yet (simulated, fault \(fault))", dialect: dialect)
        case .rateLimited(let retryAfter):
            throw SimHTTPError(.tooManyRequests, "Rate limit exceeded (simulated, fault \(fault))", dialect: dialect, retryAfter: retryAfter)
        case .modelNotFound, .dropMidStream, .malformedChunk, .slowFirst:
            return
        }
    }

    /// Closes a connection with a TCP reset, so the client sees it fail rather than end.
    static func reset(_ channel: any Channel) async throws {
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}
