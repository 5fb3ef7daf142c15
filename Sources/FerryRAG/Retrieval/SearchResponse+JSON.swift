import Foundation

extension SearchResponse {
    /// The JSON of `ferry search --json` and `POST /api/search`:
    /// `{"results": [{"document", "section", "page", "chunk_id", "score", "text", "start", "end"}], "timings": {"embed_ms", "search_ms"}, "mode"}`.
    public struct JSON: Codable, Sendable, Hashable {
        public struct Result: Codable, Sendable, Hashable {
            public var document: String
            public var section: String?
            public var page: Int?
            public var chunkID: String
            public var score: Double
            public var text: String
            public var start: Int
            public var end: Int

            enum CodingKeys: String, CodingKey {
                case document, section, page, score, text, start, end
                case chunkID = "chunk_id"
            }

            /// Every field is written, `section` and `page` as null when a passage has none.
            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(document, forKey: .document)
                try container.encode(section, forKey: .section)
                try container.encode(page, forKey: .page)
                try container.encode(chunkID, forKey: .chunkID)
                try container.encode(score, forKey: .score)
                try container.encode(text, forKey: .text)
                try container.encode(start, forKey: .start)
                try container.encode(end, forKey: .end)
            }
        }

        public struct Timings: Codable, Sendable, Hashable {
            public var embedMilliseconds: Double
            public var searchMilliseconds: Double

            enum CodingKeys: String, CodingKey {
                case embedMilliseconds = "embed_ms"
                case searchMilliseconds = "search_ms"
            }
        }

        public var results: [Result]
        public var timings: Timings
        public var mode: SearchMode
        public var notice: String?
    }

    public var json: JSON {
        JSON(
            results: results.map { hit in
                JSON.Result(
                    document: hit.chunk.document, section: hit.chunk.section.isEmpty ? nil : hit.chunk.section.joined(separator: " › "),
                    page: hit.chunk.page, chunkID: hit.chunk.chunkID, score: (hit.score * 1_000_000).rounded() / 1_000_000, text: hit.chunk.text,
                    start: hit.chunk.start, end: hit.chunk.end
                )
            },
            timings: JSON.Timings(embedMilliseconds: (embedMilliseconds * 1000).rounded() / 1000, searchMilliseconds: (searchMilliseconds * 1000).rounded() / 1000),
            mode: mode, notice: notice
        )
    }
}
