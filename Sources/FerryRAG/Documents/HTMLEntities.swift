/// HTML character references: numeric (`&#1575;`, `&#x627;`) and the named ones pages use in text.
enum HTMLEntities {
    static let named: [Substring: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ensp": " ", "emsp": " ", "thinsp": " ",
        "zwnj": "\u{200C}", "zwj": "\u{200D}", "lrm": "", "rlm": "", "shy": "", "copy": "©", "reg": "®", "trade": "™",
        "mdash": "—", "ndash": "–", "hellip": "…", "laquo": "«", "raquo": "»", "lsquo": "‘", "rsquo": "’", "sbquo": "‚",
        "ldquo": "“", "rdquo": "”", "bdquo": "„", "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "sect": "§",
        "para": "¶", "middot": "·", "bull": "•", "times": "×", "divide": "÷", "deg": "°", "plusmn": "±", "frac12": "½",
        "frac14": "¼", "frac34": "¾", "eacute": "é", "egrave": "è", "ecirc": "ê", "agrave": "à", "aacute": "á",
        "acirc": "â", "ccedil": "ç", "ouml": "ö", "uuml": "ü", "auml": "ä", "szlig": "ß", "ntilde": "ñ", "oacute": "ó",
        "iacute": "í", "uacute": "ú", "Eacute": "É", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "le": "≤",
        "ge": "≥", "ne": "≠", "minus": "−", "prime": "′", "Prime": "″", "micro": "µ", "iexcl": "¡", "iquest": "¿",
    ]

    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            let candidate = after.prefix(32)
            if let semicolon = candidate.firstIndex(of: ";"), let value = reference(after[after.startIndex..<semicolon]) {
                out += value
                rest = after[after.index(after: semicolon)...]
            } else {
                out.append("&")
                rest = after
            }
        }
        out += rest
        return out
    }

    private static func reference(_ name: Substring) -> String? {
        if name.first == "#" {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value), value != 0 else { return nil }
            return String(Character(scalar))
        }
        return named[name]
    }
}
