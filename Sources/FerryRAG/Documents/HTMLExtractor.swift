import Foundation

/// HTML, read tolerantly (unclosed tags, stray end tags, unquoted attributes): the text of the page's content with
/// its headings as section paths. Scripts, styles, forms and the page's chrome — `nav`, `aside`, `footer`, a
/// `header` outside the article, elements marked hidden or as navigation — are dropped; table rows become
/// `cell | cell` lines; `<pre>` keeps its spacing.
///
/// ```swift
/// let page = try await HTMLExtractor().extract(Data(html.utf8), name: "index.html")
/// page.title          // the <title>, else the first heading
/// ```
public struct HTMLExtractor: DocumentExtractor {
    public init() {}

    public func extract(_ data: Data, name: String) async throws -> ExtractedDocument {
        let text: String
        do {
            text = try TextDecoding.decode(data, name: name)
        } catch {
            if let charset = Self.declaredCharset(data), ["iso-8859-1", "latin1", "windows-1252", "us-ascii"].contains(charset) {
                text = String(data: data, encoding: .isoLatin1) ?? ""
            } else if let charset = Self.declaredCharset(data) {
                throw UnreadableDocument("an HTML page in \(charset), which Ferry does not read; convert it to UTF-8 first, e.g. `iconv -f \(charset) -t utf-8 \(name)`")
            } else {
                throw error
            }
        }
        return Self.extract(html: text)
    }

    static func extract(html: String) -> ExtractedDocument {
        var reader = HTMLReader(bytes: Array(html.utf8))
        reader.run()
        let title = reader.title.map { HTMLEntities.decode($0).collapsingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        return ExtractedDocument(format: .html, title: title ?? reader.sections.firstHeading, blocks: reader.sections.blocks)
    }

    /// The charset a page declares in its first 2 KiB (`<meta charset=…>` or `content="…; charset=…"`).
    static func declaredCharset(_ data: Data) -> String? {
        let head = String(decoding: data.prefix(2048), as: UTF8.self).lowercased()
        guard let range = head.range(of: "charset=") else { return nil }
        let value = head[range.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
        let name = value.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }
}
