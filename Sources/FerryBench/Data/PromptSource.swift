import FerryCore
import Foundation

/// Where a benchmark's prompts come from: synthetic (lengths drawn around a mean, optionally behind one shared
/// prefix) or a JSONL file.
///
/// ```swift
/// let prompts = try PromptSource.synthetic(.init(inputTokens: 256, outputTokens: 64)).prompts(count: 100, seed: 1)
/// ```
public enum PromptSource: Sendable {
    public struct Synthetic: Sendable, Hashable, Codable {
        public var inputTokens: Int
        public var outputTokens: Int
        /// Lengths are drawn uniformly in [mean × (1 − ratio), mean × (1 + ratio)] (0: fixed lengths).
        public var rangeRatio: Double
        /// Tokens of a prefix every prompt starts with (the shared-prefix mode; 0: none).
        public var sharedPrefixTokens: Int

        public init(inputTokens: Int = 128, outputTokens: Int = 32, rangeRatio: Double = 0, sharedPrefixTokens: Int = 0) {
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
            self.rangeRatio = rangeRatio
            self.sharedPrefixTokens = sharedPrefixTokens
        }
    }

    case synthetic(Synthetic)
    /// One JSON object a line: `{"prompt": "…", "max_tokens": 64}` (`output_tokens` is read too; default 32).
    case file(path: String, defaultMaxTokens: Int)

    /// `count` prompts; a file shorter than `count` is cycled.
    public func prompts(count: Int, seed: UInt64) throws(BenchError) -> [BenchPrompt] {
        switch self {
        case .synthetic(let spec):
            var random = SplitMix64(seed: seed)
            let prefix = spec.sharedPrefixTokens > 0 ? Self.words(spec.sharedPrefixTokens, random: &random) + " " : ""
            return (0..<count).map { index in
                let input = Self.draw(spec.inputTokens, ratio: spec.rangeRatio, random: &random)
                let output = Self.draw(spec.outputTokens, ratio: spec.rangeRatio, random: &random)
                let body = "Request \(index): " + Self.words(max(1, input - 2), random: &random)
                return BenchPrompt(text: prefix + body, inputTokens: spec.sharedPrefixTokens + input, maxTokens: output)
            }
        case .file(let path, let defaultMaxTokens):
            let lines: [Substring]
            do {
                lines = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
            } catch {
                throw BenchError("cannot read the dataset \(path): \(error.localizedDescription); give a JSONL file with one {\"prompt\": \"…\"} a line")
            }
            var prompts: [BenchPrompt] = []
            for (number, line) in lines.enumerated() {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let text = object["prompt"] as? String else {
                    throw BenchError("\(path):\(number + 1) is not a JSON object with a \"prompt\" string")
                }
                let maxTokens = (object["max_tokens"] as? Int) ?? (object["output_tokens"] as? Int) ?? defaultMaxTokens
                prompts.append(BenchPrompt(text: text, maxTokens: maxTokens))
            }
            guard !prompts.isEmpty else { throw BenchError("the dataset \(path) has no prompts") }
            return (0..<count).map { prompts[$0 % prompts.count] }
        }
    }

    static let vocabulary = [
        "river", "ferry", "harbour", "lantern", "compass", "signal", "anchor", "current", "tide", "bridge", "island",
        "engine", "window", "garden", "market", "letter", "winter", "summer", "question", "answer", "model", "token",
        "server", "network", "memory", "pattern", "journey", "evening", "morning", "mountain", "forest", "meadow",
    ]

    static func words(_ count: Int, random: inout SplitMix64) -> String {
        (0..<count).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }.joined(separator: " ")
    }

    static func draw(_ mean: Int, ratio: Double, random: inout SplitMix64) -> Int {
        guard ratio > 0 else { return max(1, mean) }
        let low = Double(mean) * (1 - ratio)
        let high = Double(mean) * (1 + ratio)
        return max(1, Int((low + (high - low) * random.nextUnit()).rounded()))
    }
}
