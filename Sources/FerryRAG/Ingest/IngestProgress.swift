/// How far an ingest has got, reported after each file and each embedded batch.
public struct IngestProgress: Sendable, Hashable {
    public var files: Int
    public var filesDone: Int
    public var chunks: Int
    public var embedded: Int
    public var seconds: Double
    /// The file being read.
    public var current: String?

    public var embeddingsPerSecond: Double { seconds > 0 ? Double(embedded) / seconds : 0 }

    /// Seconds left, from the files left at the rate so far.
    public var secondsLeft: Double? {
        guard filesDone > 0, files > filesDone else { return nil }
        return seconds / Double(filesDone) * Double(files - filesDone)
    }
}
