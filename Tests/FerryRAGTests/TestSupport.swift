import FerryCore
import FerryRAG
import Foundation
import Synchronization

/// A deterministic embedder for tests: each word (in index form) adds to one of 64 dimensions chosen by its hash,
/// so texts sharing words are close. Counts what it embeds.
final class HashingEmbedder: Embedder {
    let modelName: String
    let embedded = Mutex(0)
    var tokenCounter: (any TokenCounter)? { nil }

    init(name: String = "test-hashing") {
        modelName = name
    }

    func embed(_ texts: [String], as type: EmbeddingInputType) async throws -> [[Float]] {
        embedded.withLock { $0 += texts.count }
        return texts.map(Self.vector)
    }

    static func vector(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: 64)
        for word in TextNormalizer.indexForm(text).split(separator: " ") {
            var hash: UInt64 = 1469598103934665603
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
            vector[Int(hash % 64)] += 1
        }
        return vector
    }
}

enum Fixtures {
    static func data(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: "Documents/\(name)", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }

    /// A new empty folder, removed by the caller.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-rag-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
