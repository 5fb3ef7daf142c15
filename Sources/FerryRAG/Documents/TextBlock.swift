/// One piece of a document's text as its extractor found it: a heading or a paragraph (a list item, a table
/// row, a block of code), with the section it belongs to and its page when the format has pages.
public struct TextBlock: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A heading: it names the section of the blocks after it and is not a passage by itself.
        case heading
        case paragraph
    }

    public var text: String
    public var kind: Kind
    /// The headings above this block, outermost first (a heading's own path includes itself).
    public var section: [String]
    /// 1-based page number (PDF), nil for formats without pages.
    public var page: Int?

    public init(_ text: String, kind: Kind = .paragraph, section: [String] = [], page: Int? = nil) {
        self.text = text
        self.kind = kind
        self.section = section
        self.page = page
    }
}
