import FerryCore
import Synchronization

/// The faults in force and the request counter they are judged against. Thread-safe; changed at run time
/// through the control endpoint.
public final class FaultPlan: Sendable {
    private struct State {
        var faults: [FaultSpec]
        var requests = 0
        var random: SplitMix64
    }

    private let state: Mutex<State>

    public init(faults: [FaultSpec], seed: UInt64) {
        state = Mutex(State(faults: faults, random: SplitMix64(seed: seed ^ 0xFA17)))
    }

    /// The faults now in force.
    public var faults: [FaultSpec] { state.withLock { $0.faults } }

    /// Replaces the faults and restarts the request count.
    public func replace(with faults: [FaultSpec]) {
        state.withLock {
            $0.faults = faults
            $0.requests = 0
        }
    }

    /// Counts an inference request and returns its number and the faults that fire on it.
    public func admitInference() -> (request: Int, faults: [FaultSpec]) {
        state.withLock { state in
            state.requests += 1
            let number = state.requests
            var fired: [FaultSpec] = []
            for fault in state.faults where fault.fires(onRequest: number, draw: state.random.nextUnit()) {
                fired.append(fault)
            }
            return (number, fired)
        }
    }

    /// The faults that fire on a request that does no inference (health, lists): not counted.
    public func admitOther() -> [FaultSpec] {
        state.withLock { state in
            state.faults.filter { $0.reachesEveryEndpoint && $0.fires(onRequest: nil, draw: state.random.nextUnit()) }
        }
    }

    /// How many inference requests have been counted.
    public var requestCount: Int { state.withLock { $0.requests } }
}
