import Foundation

/// Reads any supported file: decides its format (by extension, else by its first bytes), refuses what is empty,
/// binary or too large with the reason, and hands the rest to the format's extractor.
///
/// ```swift
/// let reader = DocumentReader()
/// let document = try await reader.read(Data(contentsOf: url), name: url.path)   // throws UnreadableDocument
/// ```
public struct DocumentReader: Sendable {
    /// Files larger than this are skipped.
    public var maxBytes: Int
    public var json: JSONExtractor
    public var pdf: PDFExtractor

    public init(maxBytes: Int = 64 << 20, json: JSONExtractor = JSONExtractor(), pdf: PDFExtractor = PDFExtractor()) {
        self.maxBytes = maxBytes
        self.json = json
        self.pdf = pdf
    }

    /// The format of `data` named `name`: its extension's, else what its first bytes show; nil for unknown binary.
    public static func format(of data: Data, name: String) -> DocumentFormat? {
        if let format = DocumentFormat(path: name) { return format }
        if data.starts(with: Array("%PDF".utf8)) { return .pdf }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .docx }
        if TextDecoding.looksBinary(data) { return nil }
        let head = String(decoding: data.prefix(512), as: UTF8.self).trimmingWhitespace().lowercased()
        if head.hasPrefix("<!doctype html") || head.hasPrefix("<html") { return .html }
        return .text
    }

    public func read(_ data: Data, name: String, format: DocumentFormat? = nil) async throws -> ExtractedDocument {
        guard !data.isEmpty else { throw UnreadableDocument("an empty file") }
        guard data.count <= maxBytes else {
            throw UnreadableDocument("\(data.count >> 20) MB, more than the \(maxBytes >> 20) MB limit (rag.max_file_mb); split it or raise the limit")
        }
        guard let format = format ?? Self.format(of: data, name: name) else {
            throw UnreadableDocument("a binary file of no format Ferry reads (text, Markdown, HTML, PDF, DOCX, JSON, JSONL)")
        }
        if [.text, .markdown, .html, .json, .jsonl].contains(format), TextDecoding.looksBinary(data) {
            throw UnreadableDocument("binary content in a .\(format.rawValue) file")
        }
        let document: ExtractedDocument
        switch format {
        case .text: document = try await PlainTextExtractor().extract(data, name: name)
        case .markdown: document = try await MarkdownExtractor().extract(data, name: name)
        case .html: document = try await HTMLExtractor().extract(data, name: name)
        case .pdf: document = try await pdf.extract(data, name: name)
        case .docx: document = try await DOCXExtractor().extract(data, name: name)
        case .json, .jsonl:
            var reader = json
            reader.lines = format == .jsonl
            document = try await reader.extract(data, name: name)
        }
        guard document.hasPassages else { throw UnreadableDocument("no text in it") }
        return document
    }
}
