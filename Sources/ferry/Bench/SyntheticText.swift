import FerryCore

/// Text for benchmarks: words drawn from a 20,000-word vocabulary with Zipf's law (as in real text, a few words
/// are everywhere and most are rare), so lexical search meets realistic posting lists.
struct SyntheticText {
    private var random: SplitMix64
    private let vocabulary: [String]
    private let cumulative: [Double]

    init(seed: UInt64, size: Int = 20_000) {
        random = SplitMix64(seed: seed)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var generator = SplitMix64(seed: seed ^ 0x5EED)
        vocabulary = (0..<size).map { _ in String((0..<Int(3 + generator.next() % 7)).map { _ in letters[Int(generator.next() % 26)] }) }
        var total = 0.0
        cumulative = (1...size).map { rank in
            total += 1 / Double(rank)
            return total
        }
    }

    mutating func word() -> String {
        let target = Double(random.next() % 1_000_000) / 1_000_000 * cumulative.last!
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return vocabulary[low]
    }

    mutating func sentences(_ count: Int) -> String {
        (0..<count).map { _ in (0..<Int(8 + random.next() % 12)).map { _ in word() }.joined(separator: " ") + "." }.joined(separator: " ")
    }

    mutating func markdown(sections: Int, paragraphs: Int, sentences count: Int) -> String {
        (0..<sections).map { section in
            "## Section \(section) \(word())\n\n" + (0..<paragraphs).map { _ in sentences(count) }.joined(separator: "\n\n")
        }.joined(separator: "\n\n")
    }

    /// A query: three to six content words, as users type them — drawn evenly from below the 100 commonest words,
    /// which play the part of the function words a stopword list takes out of real queries.
    mutating func query() -> String {
        (0..<Int(3 + random.next() % 4)).map { _ in vocabulary[100 + Int(random.next() % UInt64(vocabulary.count - 100))] }.joined(separator: " ")
    }
}
