/// Finds an answer's citation marks as it streams: `[1]`, `[2, 3]`, `[1][4]`, `[1-3]`, `[١]` (Arabic-Indic digits
/// too), and keeps the numbers that name a source, in the order first cited. Marks split across deltas are found
/// once the rest arrives.
///
/// ```swift
/// var scanner = CitationScanner(sourceCount: 3)
/// scanner.consume("Paris is the capital [1")
/// scanner.consume("] and the largest city [2, 9].")
/// scanner.cited   // [1, 2] — 9 names no source
/// ```
public struct CitationScanner: Sendable, Hashable {
    public let sourceCount: Int
    /// The answer so far.
    public private(set) var text = ""
    /// Source numbers cited, in the order first cited.
    public private(set) var cited: [Int] = []
    /// Numbers in marks that name no source (the model made them up).
    public private(set) var unknown: [Int] = []
    /// Where scanning resumes: the start of an unfinished mark, or the end.
    private var resume: String.Index?

    public init(sourceCount: Int) {
        self.sourceCount = sourceCount
    }

    /// The longest mark looked for; an opening bracket further back than this is not a mark.
    static let longestMark = 24

    public mutating func consume(_ delta: String) {
        let start = resume.map { text.distance(from: text.startIndex, to: $0) } ?? text.count
        text += delta
        var index = text.index(text.startIndex, offsetBy: start)
        while let open = text[index...].firstIndex(of: "[") {
            guard let close = text[open...].prefix(Self.longestMark).firstIndex(of: "]") else {
                // Unfinished: wait for more unless it is already too long to be a mark.
                if text.distance(from: open, to: text.endIndex) < Self.longestMark {
                    resume = open
                    return
                }
                index = text.index(after: open)
                continue
            }
            record(text[text.index(after: open)..<close])
            index = text.index(after: close)
        }
        resume = nil
    }

    private mutating func record(_ inside: Substring) {
        var numbers: [Int] = []
        for part in inside.split(whereSeparator: { $0 == "," || $0 == "،" || $0 == ";" }) {
            let piece = part.trimmingCharacters(in: " ")
            let bounds = piece.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { Self.number(String($0).trimmingCharacters(in: " ")) }
            if bounds.count == 1, let single = bounds[0] {
                numbers.append(single)
            } else if bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high, high - low < 20 {
                numbers.append(contentsOf: low...high)
            } else {
                return  // not a citation mark (e.g. "[see above]")
            }
        }
        for number in numbers {
            if (1...max(sourceCount, 1)).contains(number), sourceCount > 0 {
                if !cited.contains(number) { cited.append(number) }
            } else if !unknown.contains(number) {
                unknown.append(number)
            }
        }
    }

    /// A decimal number in ASCII, Arabic-Indic or Eastern Arabic-Indic digits.
    static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 4 else { return nil }
        var value = 0
        for scalar in text.unicodeScalars {
            let digit: UInt32
            switch scalar.value {
            case 0x30...0x39: digit = scalar.value - 0x30
            case 0x660...0x669: digit = scalar.value - 0x660
            case 0x6F0...0x6F9: digit = scalar.value - 0x6F0
            default: return nil
            }
            value = value * 10 + Int(digit)
        }
        return value
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
