import FerryRAG
import Foundation
import Testing

@Suite("Chunker")
struct ChunkerTests {
    static func document(_ markdown: String) async throws -> ExtractedDocument {
        try await MarkdownExtractor().extract(Data(markdown.utf8), name: "t.md")
    }

    @Test("passages stay within a section, keep its path, and point at their exact text")
    func followsSections() async throws {
        let doc = try await Self.document("# Guide\n\nIntro text here.\n\n## Boarding\n\nBoard at the north pier.\n\nShow your ticket.\n\n## Safety\n\nLife jackets are under the seats.")
        let chunks = try await Chunker(options: ChunkingOptions(maxTokens: 200, overlapTokens: 20)).chunks(of: doc)
        #expect(chunks.map(\.section) == [["Guide"], ["Guide", "Boarding"], ["Guide", "Safety"]])
        #expect(chunks[1].text == "Board at the north pier.\n\nShow your ticket.")
        let scalars = Array(doc.text.unicodeScalars)
        for chunk in chunks {
            #expect(String(String.UnicodeScalarView(scalars[chunk.start..<chunk.end])) == chunk.text)
        }
        #expect(chunks[1].indexedText == "Guide › Boarding\nBoard at the north pier.\n\nShow your ticket.")
    }

    @Test("a long section is cut between sentences within the budget, with overlap; a huge sentence between words")
    func budgetAndOverlap() async throws {
        let sentences = (1...40).map { "Sentence number \($0) tells of the ferry and its crew." }
        let giant = Array(repeating: "word", count: 600).joined(separator: " ") + "."
        let doc = try await Self.document("# Long\n\n" + sentences.joined(separator: " ") + "\n\n" + giant)
        let options = ChunkingOptions(maxTokens: 64, overlapTokens: 16)
        let chunks = try await Chunker(options: options).chunks(of: doc)
        #expect(chunks.count > 8)
        for chunk in chunks {
            #expect(chunk.tokenCount <= options.maxTokens, "\(chunk.tokenCount) tokens: \(chunk.text.prefix(60))")
            #expect(chunk.section == ["Long"])
        }
        // Overlap: the next passage starts with the previous one's last sentence.
        let first = chunks[0].text, second = chunks[1].text
        let lastSentence = first.components(separatedBy: ". ").last!
        #expect(second.hasPrefix(lastSentence.hasSuffix(".") ? lastSentence : lastSentence + "."))
        #expect(chunks.last!.text.hasSuffix("word."))
    }

    @Test("ids are content hashes: an edit changes only the passages it touches")
    func stableIDs() async throws {
        let before = try await Self.document("# A\n\nFirst part.\n\n# B\n\nSecond part.\n\n# C\n\nThird part.")
        let after = try await Self.document("# A\n\nFirst part.\n\n# B\n\nSecond part, edited.\n\n# C\n\nThird part.")
        let chunker = Chunker()
        let old = try await chunker.chunks(of: before).map(\.id), new = try await chunker.chunks(of: after).map(\.id)
        #expect(old[0] == new[0] && old[2] == new[2])
        #expect(old[1] != new[1])
        #expect(old[0].count == 32)
    }
}
