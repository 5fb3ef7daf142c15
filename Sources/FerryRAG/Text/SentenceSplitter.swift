/// Splits a paragraph into sentences at `.` `!` `?` `…`, Arabic `؟` and `۔`, and line breaks, keeping each
/// sentence's scalar offsets in the paragraph. A period after a lone capital or a common abbreviation does not end
/// a sentence, nor one inside a number (3.14).
///
/// ```swift
/// SentenceSplitter.sentences("Hello there. مرحبا؟ OK")   // ranges of "Hello there.", "مرحبا؟", "OK"
/// ```
public enum SentenceSplitter {
    private static let enders: Set<Unicode.Scalar> = [".", "!", "?", "…", "\u{061F}", "\u{06D4}", "\u{3002}", "\u{FF01}", "\u{FF1F}"]
    private static let closers: Set<Unicode.Scalar> = ["\"", "'", ")", "]", "»", "”", "’", "\u{00BB}"]
    private static let abbreviations: Set<String> = ["e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "prof", "st", "vs", "no", "fig", "art", "sec", "p", "pp", "vol", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "a.m", "p.m", "inc", "ltd", "co"]

    /// Scalar ranges of the sentences of `text` (end exclusive), whitespace between them left out.
    public static func sentences(_ text: String) -> [Range<Int>] {
        let scalars = Array(text.unicodeScalars)
        var ranges: [Range<Int>] = []
        var start: Int?
        var index = 0
        func close(at end: Int) {
            guard let begin = start else { return }
            var last = end
            while last > begin, scalars[last - 1].properties.isWhitespace { last -= 1 }
            if last > begin { ranges.append(begin..<last) }
            start = nil
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if start == nil {
                if !scalar.properties.isWhitespace { start = index }
                index += 1
                continue
            }
            if scalar == "\n" {
                close(at: index)
                index += 1
                continue
            }
            if enders.contains(scalar) {
                var end = index + 1
                while end < scalars.count, enders.contains(scalars[end]) || closers.contains(scalars[end]) { end += 1 }
                let followedBySpace = end == scalars.count || scalars[end].properties.isWhitespace
                if followedBySpace, !(scalar == "." && isAbbreviation(scalars, periodAt: index, sentenceStart: start!)) {
                    close(at: end)
                }
                index = end
                continue
            }
            index += 1
        }
        close(at: scalars.count)
        return ranges
    }

    private static func isAbbreviation(_ scalars: [Unicode.Scalar], periodAt period: Int, sentenceStart: Int) -> Bool {
        var begin = period
        while begin > sentenceStart, !scalars[begin - 1].properties.isWhitespace { begin -= 1 }
        let word = String(String.UnicodeScalarView(scalars[begin..<period])).lowercased()
        if word.count == 1, let first = scalars[begin...].first, first.properties.isUppercase { return true }
        return abbreviations.contains(word.trimmingCharacters(in: ["(", "\"", "'"]))
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
