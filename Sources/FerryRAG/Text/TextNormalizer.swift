/// The form text is indexed and queried in for lexical search: lower case, and Arabic normalised as SQLite's
/// tokenizer cannot — harakat and tatweel removed, alef forms (أ إ آ ٱ) to ا, ى to ي, ة to ه — and its definite
/// article and leading و taken off words (light stemming). Documents keep their original text for display.
///
/// ```swift
/// TextNormalizer.indexForm("وَالْكِتَابُ")   // "كتاب"
/// ```
public enum TextNormalizer {
    /// The words of `text` in index form, separated by single spaces.
    public static func indexForm(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var word = String.UnicodeScalarView()
        func flush() {
            guard !word.isEmpty else { return }
            if !out.isEmpty { out.append(" ") }
            out.append(contentsOf: stem(word))
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if let mapped = normalized(scalar) {
                if mapped.properties.isAlphabetic || mapped.properties.numericType != nil || mapped == "_" {
                    for lower in mapped.properties.lowercaseMapping.unicodeScalars { word.append(lower) }
                } else {
                    flush()
                }
            }
        }
        flush()
        return String(out)
    }

    /// The scalar's normalised form; nil for marks that are dropped.
    @inline(__always)
    static func normalized(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x064B...0x065F, 0x0670, 0x0640, 0x06D6...0x06ED: return nil  // harakat, superscript alef, tatweel, Quranic marks
        case 0x0623, 0x0625, 0x0622, 0x0671: return "\u{0627}"             // أ إ آ ٱ → ا
        case 0x0649: return "\u{064A}"                                      // ى → ي
        case 0x0629: return "\u{0647}"                                      // ة → ه
        case 0x0624: return "\u{0648}"                                      // ؤ → و
        case 0x0626: return "\u{064A}"                                      // ئ → ي
        case 0x0660...0x0669: return Unicode.Scalar(scalar.value - 0x0660 + 0x30)  // Arabic-Indic digits → 0-9
        case 0x06F0...0x06F9: return Unicode.Scalar(scalar.value - 0x06F0 + 0x30)
        case 0x200C, 0x200D, 0x200E, 0x200F, 0x00AD: return nil             // joiners, direction marks, soft hyphen
        default: return scalar
        }
    }

    private static let articles: [[Unicode.Scalar]] = [
        ["\u{0648}", "\u{0627}", "\u{0644}"], ["\u{0628}", "\u{0627}", "\u{0644}"], ["\u{0643}", "\u{0627}", "\u{0644}"],
        ["\u{0641}", "\u{0627}", "\u{0644}"], ["\u{0644}", "\u{0644}"], ["\u{0627}", "\u{0644}"],
    ]

    /// Arabic light stemming: a leading و (on words of four letters or more), then the article (ال, وال, بال, كال,
    /// فال, لل) when at least two letters remain. Other words are returned as they are.
    static func stem(_ word: String.UnicodeScalarView) -> String.UnicodeScalarView {
        guard let first = word.first, (0x0600...0x06FF).contains(first.value) else { return word }
        var letters = Array(word)
        for article in articles where letters.count - article.count >= 2 && letters.starts(with: article) {
            letters.removeFirst(article.count)
            return String.UnicodeScalarView(letters)
        }
        if letters.count >= 4, letters[0] == "\u{0648}" {
            letters.removeFirst()
        }
        return String.UnicodeScalarView(letters)
    }
}
