import Foundation

/// One load level of a sweep: a closed loop of N users, or an open loop of requests arriving at a rate.
public enum LoadLevel: Sendable, Hashable, Codable, CustomStringConvertible {
    /// N users, each sending its next request when the previous one ends.
    case concurrency(Int)
    /// Requests per second, arrivals drawn from a gamma distribution (Poisson when burstiness is 1).
    case rate(Double)

    /// The value on a chart's x axis.
    public var value: Double {
        switch self {
        case .concurrency(let users): Double(users)
        case .rate(let rate): rate
        }
    }

    public var description: String {
        switch self {
        case .concurrency(let users): "c=\(users)"
        case .rate(let rate): "\(rate.formatted(maxFractionDigits: 2)) req/s"
        }
    }
}

extension LoadLevel {
    private enum CodingKeys: String, CodingKey { case concurrency, rate }

    /// `{"concurrency": 4}` or `{"rate": 2.5}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .concurrency(let users): try container.encode(users, forKey: .concurrency)
        case .rate(let rate): try container.encode(rate, forKey: .rate)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let users = try container.decodeIfPresent(Int.self, forKey: .concurrency) {
            self = .concurrency(users)
        } else {
            self = .rate(try container.decode(Double.self, forKey: .rate))
        }
    }
}

extension Double {
    /// A short decimal without trailing zeros.
    func formatted(maxFractionDigits digits: Int) -> String {
        var text = String(format: "%.\(digits)f", self)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
