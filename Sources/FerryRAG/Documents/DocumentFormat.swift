/// The formats Ferry reads documents from, recognised by file extension (and, for text without one, by content).
///
/// ```swift
/// DocumentFormat(path: "manual.pdf")   // .pdf
/// DocumentFormat(path: "notes")        // nil: decided from the bytes (text, or skipped as binary)
/// ```
public enum DocumentFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case text, markdown, html, pdf, docx, json, jsonl

    /// The format of a file name's extension; nil when it has none Ferry knows.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "txt", "text", "log", "csv", "tsv", "rst", "org", "tex": self = .text
        case "md", "markdown", "mdown", "mkd": self = .markdown
        case "html", "htm", "xhtml": self = .html
        case "pdf": self = .pdf
        case "docx": self = .docx
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        default: return nil
        }
    }
}
