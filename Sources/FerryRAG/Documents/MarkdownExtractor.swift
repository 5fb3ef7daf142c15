import Foundation

/// Markdown: ATX (`## Title`) and setext (underlined) headings become section paths; fenced code, lists, tables
/// and quotes stay blocks of their own; links and images keep their text, emphasis and code marks are dropped;
/// YAML front matter and HTML comments are skipped.
public struct MarkdownExtractor: DocumentExtractor {
    public init() {}

    public func extract(_ data: Data, name: String) async throws -> ExtractedDocument {
        let source = try TextDecoding.decode(data, name: name)
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---", let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" || $0.trimmingCharacters(in: .whitespaces) == "..." }) {
            lines.removeSubrange(0...end)
        }
        var builder = SectionedBlocks()
        var paragraph: [Substring] = []
        var fence: Substring?
        var fenced: [Substring] = []
        var inComment = false
        func flush() {
            if !paragraph.isEmpty { builder.add(Self.inline(paragraph.joined(separator: "\n"))) }
            paragraph.removeAll()
        }
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            defer { index += 1 }
            if let open = fence {
                if trimmed.hasPrefix(open) {
                    builder.add(fenced.joined(separator: "\n"))
                    fenced.removeAll()
                    fence = nil
                } else {
                    fenced.append(line)
                }
                continue
            }
            if inComment {
                if line.contains("-->") { inComment = false }
                continue
            }
            if trimmed.hasPrefix("<!--") {
                flush()
                if !trimmed.contains("-->") { inComment = true }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                flush()
                fence = trimmed.prefix(3)
                continue
            }
            if let (level, title) = Self.atxHeading(trimmed) {
                flush()
                builder.heading(Self.inline(title), level: level)
                continue
            }
            if !paragraph.isEmpty, paragraph.count == 1, let level = Self.setextLevel(trimmed) {
                let title = paragraph[0]
                paragraph.removeAll()
                builder.heading(Self.inline(String(title)), level: level)
                continue
            }
            if trimmed.isEmpty {
                flush()
                continue
            }
            if Self.isRule(trimmed) {
                flush()
                continue
            }
            paragraph.append(line)
        }
        if fence != nil, !fenced.isEmpty { builder.add(fenced.joined(separator: "\n")) }
        flush()
        return ExtractedDocument(format: .markdown, title: builder.firstHeading, blocks: builder.blocks)
    }

    static func atxHeading(_ line: Substring) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var title = rest.trimmingCharacters(in: .whitespaces)
        while title.hasSuffix("#") { title.removeLast() }
        title = title.trimmingCharacters(in: .whitespaces)
        return title.isEmpty ? nil : (hashes, title)
    }

    static func setextLevel(_ line: Substring) -> Int? {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.allSatisfy({ $0 == "=" }) { return 1 }
        if text.count >= 2, text.allSatisfy({ $0 == "-" }) { return 2 }
        return nil
    }

    static func isRule(_ line: Substring) -> Bool {
        let marks = line.filter { $0 != " " }
        guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    /// Inline markup to plain text: `![alt](src)` → alt, `[text](url)` → text, `<url>` → url, emphasis and code
    /// marks and inline HTML tags dropped.
    static func inline(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var characters = Substring(text)
        while let first = characters.first {
            if first == "!", characters.dropFirst().first == "[", let (label, rest) = link(characters.dropFirst()) {
                out += label
                characters = rest
            } else if first == "[", let (label, rest) = link(characters) {
                out += label
                characters = rest
            } else if first == "<", let close = characters.firstIndex(of: ">"), characters.distance(from: characters.startIndex, to: close) < 200 {
                let inside = characters[characters.index(after: characters.startIndex)..<close]
                if inside.hasPrefix("http://") || inside.hasPrefix("https://") || inside.contains("@") && !inside.contains(" ") {
                    out += inside
                }
                characters = characters[characters.index(after: close)...]
            } else if first == "*" || first == "`" || (first == "_" && (out.last.map { !$0.isLetter && !$0.isNumber } ?? true)) {
                characters = characters.dropFirst()
            } else if first == "_" {
                out.append(first)
                characters = characters.dropFirst()
            } else if first == "\\", let next = characters.dropFirst().first, next.isPunctuation || next.isSymbol {
                out.append(next)
                characters = characters.dropFirst(2)
            } else {
                out.append(first)
                characters = characters.dropFirst()
            }
        }
        return out
    }

    /// `[label](target)` at the start of `text`: the label and what follows the link.
    private static func link(_ text: Substring) -> (String, Substring)? {
        guard text.first == "[", let close = text.firstIndex(of: "]") else { return nil }
        let label = text[text.index(after: text.startIndex)..<close]
        let after = text[text.index(after: close)...]
        guard after.first == "(", let end = after.firstIndex(of: ")") else { return nil }
        return (inline(String(label)), after[after.index(after: end)...])
    }
}
