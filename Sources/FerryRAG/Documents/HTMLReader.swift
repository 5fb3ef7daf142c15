import Foundation

/// The scanner behind ``HTMLExtractor``: one pass over the page's UTF-8 bytes, tags and text, keeping a stack of
/// open elements so that what is dropped (a script, the navigation) ends where its element ends.
struct HTMLReader {
    private let bytes: [UInt8]
    private var index = 0
    private var open: [(name: String, dropped: Bool)] = []
    private var dropDepth = 0
    private var articleDepth = 0
    private var preDepth = 0
    private var text: [UInt8] = []
    private var headingLevel: Int?
    private var rowCells: [String]?
    private(set) var title: String?
    private(set) var sections = SectionedBlocks()

    /// Whether the page has a `<main>`: then only what is inside it is the page's content.
    private let mainOnly: Bool
    private var mainDepth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
        mainOnly = lowered.contains("<main>") || lowered.contains("<main ")
    }

    /// Whether text read now belongs to the content.
    private var keeps: Bool { dropDepth == 0 && (!mainOnly || mainDepth > 0) }

    /// Elements whose content is never text: dropped with everything inside.
    private static let droppedElements: Set<String> = [
        "script", "style", "noscript", "template", "svg", "math", "nav", "aside", "footer", "button", "select", "label",
        "iframe", "object", "canvas", "dialog", "menu", "head",
    ]
    /// Elements that end a block of text.
    private static let blockElements: Set<String> = [
        "p", "div", "section", "article", "main", "body", "html", "header", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "caption", "figure", "figcaption", "pre", "address", "details", "summary", "hr",
        "center", "fieldset", "legend",
    ]
    private static let voidElements: Set<String> = [
        "br", "img", "hr", "meta", "link", "input", "wbr", "source", "area", "base", "col", "embed", "param", "track", "keygen",
    ]
    /// Elements whose classes describe the page's state (`sidebar-visible`), never chrome themselves.
    private static let containers: Set<String> = ["html", "body", "main", "article"]
    /// Words in a class or id that mark the page's chrome.
    private static let chromeWords: Set<String> = ["nav", "navbar", "navigation", "sidebar", "breadcrumb", "breadcrumbs", "menu", "cookie", "cookies", "footer", "toc", "skip-link", "share", "social", "popup", "modal"]

    mutating func run() {
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<") {
                readMarkup()
            } else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                if keeps { text.append(contentsOf: bytes[start..<index]) }
            }
        }
        endBlock()
    }

    // MARK: Markup

    private mutating func readMarkup() {
        if starts(with: "<!--") {
            index = find("-->").map { $0 + 3 } ?? bytes.count
            return
        }
        if starts(with: "<!") || starts(with: "<?") {
            index = find(">").map { $0 + 1 } ?? bytes.count
            return
        }
        let closing = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/")
        var cursor = index + (closing ? 2 : 1)
        let nameStart = cursor
        while cursor < bytes.count, Self.isNameByte(bytes[cursor]) { cursor += 1 }
        guard cursor > nameStart, Self.isLetter(bytes[nameStart]) else {
            // Not a tag: a literal "<".
            if keeps { text.append(bytes[index]) }
            index += 1
            return
        }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self).lowercased()
        let (attributes, end, selfClosing) = readAttributes(from: cursor)
        index = end
        if closing {
            close(name)
        } else {
            openElement(name, attributes: attributes, selfClosing: selfClosing)
        }
    }

    private mutating func openElement(_ name: String, attributes: [String: String], selfClosing: Bool) {
        if name == "title" || name == "script" || name == "style" || name == "textarea" {
            // Raw text up to the element's end tag.
            let contentStart = index
            let end = findEndTag(name) ?? bytes.count
            if name == "title", title == nil { title = String(decoding: bytes[contentStart..<end], as: UTF8.self) }
            index = end
            if let close = find(">", from: end) { index = close + 1 } else { index = bytes.count }
            return
        }
        if Self.voidElements.contains(name) || selfClosing {
            if keeps {
                if name == "br" { text.append(UInt8(ascii: "\n")) }
                if name == "hr" { endBlock() }
            }
            return
        }
        let drops = dropDepth > 0 || Self.droppedElements.contains(name) || (name == "header" && articleDepth == 0) || (!Self.containers.contains(name) && Self.isHidden(attributes))
        if Self.autoClosing(name), let top = open.last?.name, top == name || (name == "li" && top == "li") || (["td", "th"].contains(name) && ["td", "th"].contains(top)) {
            close(top)
        }
        open.append((name, drops))
        if drops {
            if dropDepth == 0 { endBlock() }
            dropDepth += 1
            return
        }
        if name == "article" || name == "main" { articleDepth += 1 }
        if name == "main" {
            endBlock()
            mainDepth += 1
        }
        if name == "pre" { preDepth += 1 }
        if let level = Self.headingLevel(name) {
            endBlock()
            headingLevel = level
        } else if name == "tr" {
            endBlock()
            rowCells = []
        } else if name == "td" || name == "th" {
            endCell()
        } else if Self.blockElements.contains(name) {
            endBlock()
        }
    }

    private mutating func close(_ name: String) {
        guard let position = open.lastIndex(where: { $0.name == name }) else { return }
        while open.count > position {
            let element = open.removeLast()
            if element.dropped {
                dropDepth -= 1
                continue
            }
            if element.name == "article" || element.name == "main" { articleDepth -= 1 }
            if element.name == "main" {
                endBlock()
                mainDepth -= 1
            }
            if element.name == "pre" { preDepth -= 1 }
            if let level = Self.headingLevel(element.name), headingLevel == level {
                let heading = HTMLEntities.decode(String(decoding: text, as: UTF8.self))
                text.removeAll(keepingCapacity: true)
                headingLevel = nil
                sections.heading(heading, level: level)
            } else if element.name == "td" || element.name == "th" {
                endCell()
            } else if element.name == "tr" {
                endRow()
            } else if Self.blockElements.contains(element.name) {
                endBlock()
            }
        }
    }

    // MARK: Text

    private mutating func endCell() {
        guard rowCells != nil else { return }
        let cell = HTMLEntities.decode(String(decoding: text, as: UTF8.self)).collapsingWhitespace()
        text.removeAll(keepingCapacity: true)
        if !cell.isEmpty { rowCells?.append(cell) }
    }

    private mutating func endRow() {
        endCell()
        if let cells = rowCells, !cells.isEmpty { sections.add(cells.joined(separator: " | ")) }
        rowCells = nil
    }

    private mutating func endBlock() {
        if rowCells != nil {
            endRow()
            return
        }
        guard !text.isEmpty else { return }
        let raw = HTMLEntities.decode(String(decoding: text, as: UTF8.self))
        text.removeAll(keepingCapacity: true)
        if let level = headingLevel {
            headingLevel = nil
            sections.heading(raw, level: level)
            return
        }
        if preDepth > 0 {
            sections.add(raw.trimmingWhitespace())
        } else {
            // Line breaks from <br> stay; other whitespace collapses.
            let lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).collapsingWhitespace() }.filter { !$0.isEmpty }
            sections.add(lines.joined(separator: "\n"))
        }
    }

    // MARK: Attributes

    private func readAttributes(from start: Int) -> ([String: String], end: Int, selfClosing: Bool) {
        var attributes: [String: String] = [:]
        var cursor = start
        var selfClosing = false
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: ">") { return (attributes, cursor + 1, selfClosing) }
            if byte == UInt8(ascii: "/") {
                selfClosing = true
                cursor += 1
                continue
            }
            if Self.isSpace(byte) {
                cursor += 1
                continue
            }
            selfClosing = false
            let nameStart = cursor
            while cursor < bytes.count, !Self.isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: "="), bytes[cursor] != UInt8(ascii: ">"), bytes[cursor] != UInt8(ascii: "/") { cursor += 1 }
            let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self).lowercased()
            while cursor < bytes.count, Self.isSpace(bytes[cursor]) { cursor += 1 }
            var value = ""
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") {
                cursor += 1
                while cursor < bytes.count, Self.isSpace(bytes[cursor]) { cursor += 1 }
                if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") {
                    let quote = bytes[cursor]
                    let valueStart = cursor + 1
                    var valueEnd = valueStart
                    while valueEnd < bytes.count, bytes[valueEnd] != quote { valueEnd += 1 }
                    value = String(decoding: bytes[valueStart..<min(valueEnd, bytes.count)], as: UTF8.self)
                    cursor = min(valueEnd + 1, bytes.count)
                } else {
                    let valueStart = cursor
                    while cursor < bytes.count, !Self.isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: ">") { cursor += 1 }
                    value = String(decoding: bytes[valueStart..<cursor], as: UTF8.self)
                }
            }
            if !name.isEmpty { attributes[name] = value }
        }
        return (attributes, bytes.count, selfClosing)
    }

    private static func isHidden(_ attributes: [String: String]) -> Bool {
        if attributes["hidden"] != nil || attributes["aria-hidden"] == "true" { return true }
        if let role = attributes["role"], ["navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"].contains(role) { return true }
        if let style = attributes["style"]?.replacingOccurrences(of: " ", with: "").lowercased(), style.contains("display:none") { return true }
        for key in ["class", "id"] {
            guard let value = attributes[key]?.lowercased() else { continue }
            let words = value.split { $0 == " " || $0 == "_" || $0 == "-" }.map(String.init)
            if words.contains(where: chromeWords.contains) || chromeWords.contains(value) { return true }
        }
        return false
    }

    private static func headingLevel(_ name: String) -> Int? {
        guard name.count == 2, name.first == "h", let digit = name.last?.wholeNumberValue, (1...6).contains(digit) else { return nil }
        return digit
    }

    private static func autoClosing(_ name: String) -> Bool {
        name == "p" || name == "li" || name == "td" || name == "th" || name == "tr" || name == "dt" || name == "dd" || name == "option"
    }

    // MARK: Bytes

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    private func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return prefix.withUTF8Buffer { pattern in
            for offset in 0..<count where bytes[index + offset] | (Self.isLetter(pattern[offset]) ? 0x20 : 0) != pattern[offset] | (Self.isLetter(pattern[offset]) ? 0x20 : 0) { return false }
            return true
        }
    }

    private func find(_ pattern: StaticString, from start: Int? = nil) -> Int? {
        let count = pattern.utf8CodeUnitCount
        return pattern.withUTF8Buffer { needle in
            var cursor = start ?? index
            while cursor + count <= bytes.count {
                if bytes[cursor] == needle[0], (0..<count).allSatisfy({ bytes[cursor + $0] == needle[$0] }) { return cursor }
                cursor += 1
            }
            return nil
        }
    }

    /// The start of `</name` (any case) from the current position.
    private func findEndTag(_ name: String) -> Int? {
        let needle = Array("</\(name)".utf8)
        var cursor = index
        while cursor + needle.count <= bytes.count {
            if bytes[cursor] == UInt8(ascii: "<"), (0..<needle.count).allSatisfy({ bytes[cursor + $0] | 0x20 == needle[$0] | 0x20 }) { return cursor }
            cursor += 1
        }
        return nil
    }
}
