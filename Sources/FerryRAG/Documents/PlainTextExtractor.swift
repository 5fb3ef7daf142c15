import Foundation

/// Plain text: paragraphs are separated by blank lines; no sections.
public struct PlainTextExtractor: DocumentExtractor {
    public init() {}

    public func extract(_ data: Data, name: String) async throws -> ExtractedDocument {
        let text = try TextDecoding.decode(data, name: name)
        return ExtractedDocument(format: .text, title: nil, blocks: Self.paragraphs(text).map { TextBlock($0) })
    }

    /// The text's paragraphs: runs of non-blank lines, each trimmed.
    static func paragraphs(_ text: String) -> [String] {
        var paragraphs: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { paragraphs.append(current.joined(separator: "\n")) }
                current.removeAll()
            } else {
                current.append(line.hasSuffix("\r") ? line.dropLast() : line)
            }
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: "\n")) }
        return paragraphs
    }
}
