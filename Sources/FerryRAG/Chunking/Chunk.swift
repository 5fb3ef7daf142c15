import Crypto
import Foundation

/// A passage of a document: its text, where it stands (section path, page, scalar offsets in the document's
/// extracted text) and its id — a hash of what is embedded, so an unchanged passage keeps its id (and vector)
/// when its document is ingested again.
public struct Chunk: Sendable, Hashable, Codable {
    public var id: String
    public var ordinal: Int
    public var text: String
    public var section: [String]
    public var page: Int?
    public var start: Int
    public var end: Int
    public var tokenCount: Int

    public init(ordinal: Int, text: String, section: [String], page: Int?, start: Int, end: Int, tokenCount: Int) {
        self.ordinal = ordinal
        self.text = text
        self.section = section
        self.page = page
        self.start = start
        self.end = end
        self.tokenCount = tokenCount
        self.id = Self.id(of: Self.indexedText(text: text, section: section))
    }

    /// What is embedded and indexed: the section path on a line of its own, then the text — a passage is found by
    /// the heading it sits under as well as by its words.
    public var indexedText: String { Self.indexedText(text: text, section: section) }

    /// The section path as shown: `Chapter 2 › Beards`.
    public var sectionTitle: String { section.joined(separator: " › ") }

    static func indexedText(text: String, section: [String]) -> String {
        section.isEmpty ? text : section.joined(separator: " › ") + "\n" + text
    }

    /// The first 128 bits of the SHA-256 of `text`, in hex.
    public static func id(of text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
