/// Counts tokens as the embedding model will: its own tokenizer when one is at hand, an estimate otherwise.
public protocol TokenCounter: Sendable {
    /// What counts: "e5 tokenizer", "estimate".
    var name: String { get }
    /// The token count of each text, in order.
    func count(_ texts: [String]) async throws -> [Int]
}

/// An estimate of subword tokens from the letters of each script: about four Latin letters a token, three Arabic
/// ones, one for each CJK character, one for each mark of punctuation, plus a little for each word.
public struct EstimatedTokenCounter: TokenCounter {
    public init() {}

    public var name: String { "estimate" }

    public func count(_ texts: [String]) async throws -> [Int] {
        texts.map(Self.estimate)
    }

    public static func estimate(_ text: String) -> Int {
        var latin = 0, arabic = 0, other = 0, marks = 0, digits = 0, words = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if scalar.properties.isWhitespace {
                inWord = false
                continue
            }
            if !inWord { words += 1 }
            inWord = true
            switch value {
            case 0x30...0x39: digits += 1
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: latin += 1
            case 0x0600...0x06FF, 0x0750...0x077F, 0xFB50...0xFDFF, 0xFE70...0xFEFF: arabic += 1
            case 0x4E00...0x9FFF, 0x3040...0x30FF, 0xAC00...0xD7AF: other += 1
            default: if scalar.properties.isAlphabetic { latin += 1 } else { marks += 1 }
            }
        }
        let estimate = Double(latin) / 4.2 + Double(arabic) / 3.2 + Double(other) + Double(marks) + Double(digits) / 2 + Double(words) * 0.25
        return Int(estimate.rounded(.up))
    }
}
