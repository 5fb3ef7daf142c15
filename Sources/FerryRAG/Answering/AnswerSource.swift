import Foundation

/// A numbered source of an answer: the passage the model was given as `[n]`.
public struct AnswerSource: Sendable, Hashable, Codable {
    /// Its number in the prompt, as the answer cites it.
    public var n: Int
    public var document: String
    /// The heading path, joined with ` › `; nil when the passage has none.
    public var section: String?
    public var page: Int?
    public var chunkID: String
    /// Its retrieval score (the reranker's when passages were reranked).
    public var score: Double
    public var text: String
    /// Whether the answer cites it.
    public var cited: Bool

    public init(n: Int, document: String, section: String?, page: Int?, chunkID: String, score: Double, text: String, cited: Bool = false) {
        self.n = n
        self.document = document
        self.section = section
        self.page = page
        self.chunkID = chunkID
        self.score = score
        self.text = text
        self.cited = cited
    }

    enum CodingKeys: String, CodingKey {
        case n, document, section, page, score, text, cited
        case chunkID = "chunk_id"
    }

    /// Every field is written, `section` and `page` as null when a passage has none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(n, forKey: .n)
        try container.encode(document, forKey: .document)
        try container.encode(section, forKey: .section)
        try container.encode(page, forKey: .page)
        try container.encode(chunkID, forKey: .chunkID)
        try container.encode((score * 1_000_000).rounded() / 1_000_000, forKey: .score)
        try container.encode(text, forKey: .text)
        try container.encode(cited, forKey: .cited)
    }

    /// Where it is, as a person reads it: `manual.pdf — Safety › Life jackets, page 2` (the file's name, not its
    /// folders).
    public var place: String {
        var place = document.split(separator: "/").last.map(String.init) ?? document
        if let section { place += " — " + section }
        if let page { place += ", page \(page)" }
        return place
    }

    /// The sources as a numbered list, for the end of an answer's text ("Sources:" in the answer's language).
    public static func listing(_ sources: [AnswerSource], language: QuestionLanguage) -> String {
        guard !sources.isEmpty else { return "" }
        var text = "\n\n" + language.sourcesHeading + "\n"
        for source in sources { text += "[\(source.n)] \(source.place)\n" }
        return text
    }
}
