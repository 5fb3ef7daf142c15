/// How documents are cut into passages.
public struct ChunkingOptions: Sendable, Hashable, Codable {
    /// The most tokens a passage holds (the embedding model reads up to 512; shorter passages retrieve better).
    public var maxTokens: Int
    /// Tokens of the previous passage's last sentences repeated at the start of the next, within a section.
    public var overlapTokens: Int

    public init(maxTokens: Int = 256, overlapTokens: Int = 32) {
        self.maxTokens = max(16, maxTokens)
        self.overlapTokens = max(0, min(overlapTokens, maxTokens / 2))
    }

    /// A short fingerprint: documents chunked with other options are chunked again on the next ingest.
    public var fingerprint: String { "v1-\(maxTokens)-\(overlapTokens)" }
}
