import FerryCore
import Foundation

/// When each request of an open-loop run is sent: intervals drawn from a gamma distribution with mean 1/rate and
/// shape `burstiness` (1: a Poisson process; below 1: burstier; above 1: more even), as in `vllm bench serve`.
public struct ArrivalSchedule: Sendable {
    public var rate: Double
    public var burstiness: Double

    public init(rate: Double, burstiness: Double = 1) {
        self.rate = rate
        self.burstiness = burstiness
    }

    /// The send times, in seconds from the start, of `count` requests.
    public func offsets(count: Int, seed: UInt64) -> [Double] {
        var random = SplitMix64(seed: seed)
        var time = 0.0
        var offsets: [Double] = []
        offsets.reserveCapacity(count)
        for _ in 0..<count {
            offsets.append(time)
            time += Self.gamma(shape: burstiness, scale: 1 / (rate * burstiness), random: &random)
        }
        return offsets
    }

    /// A gamma draw (Marsaglia and Tsang; shapes below 1 boosted by U^(1/shape)).
    static func gamma(shape: Double, scale: Double, random: inout SplitMix64) -> Double {
        if shape < 1 {
            let boost = pow(max(random.nextUnit(), .leastNonzeroMagnitude), 1 / shape)
            return gamma(shape: shape + 1, scale: scale, random: &random) * boost
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal(&random)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = random.nextUnit()
            if u < 1 - 0.0331 * x * x * x * x || log(max(u, .leastNonzeroMagnitude)) < 0.5 * x * x + d * (1 - v + log(v)) {
                return d * v * scale
            }
        }
    }

    /// A standard normal draw (Box–Muller).
    static func normal(_ random: inout SplitMix64) -> Double {
        let u1 = max(random.nextUnit(), .leastNonzeroMagnitude)
        let u2 = random.nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
