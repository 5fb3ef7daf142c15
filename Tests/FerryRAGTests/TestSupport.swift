import FerryCore
import FerryRAG
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

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

/// The stores the shared store tests run on: SQLite always; PostgreSQL when FERRY_TEST_POSTGRES_URL names a server
/// (`.ci/run` starts one), without pgvector and — when FERRY_TEST_PGVECTOR=1 says the server has it — with it.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres, pgvector

    static var available: [StoreKind] {
        guard TestDatabase.adminURL != nil else { return [.sqlite] }
        return ProcessInfo.processInfo.environment["FERRY_TEST_PGVECTOR"] == "1" ? [.sqlite, .postgres, .pgvector] : [.sqlite, .postgres]
    }
    var testDescription: String { rawValue }
}

/// A database of its own for one test, made on the server of FERRY_TEST_POSTGRES_URL and dropped after.
struct TestDatabase: Sendable {
    static var adminURL: String? { ProcessInfo.processInfo.environment["FERRY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    let url: String
    let name: String

    static func create() async throws -> TestDatabase {
        let admin = try #require(adminURL)
        let name = "ferry_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await Self.withAdmin(admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var parts = try #require(URLComponents(string: admin))
        parts.path = "/" + name
        return TestDatabase(url: try #require(parts.string), name: String(name))
    }

    func drop() async {
        guard let admin = Self.adminURL else { return }
        try? await Self.withAdmin(admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }

    private static func withAdmin(_ url: String, _ body: (PostgresClient) async throws -> Void) async throws {
        let parts = try #require(URLComponents(string: url))
        let configuration = PostgresClient.Configuration(host: parts.host ?? "127.0.0.1", port: parts.port ?? 5432, username: parts.user ?? "postgres", password: parts.password, database: parts.path.split(separator: "/").first.map(String.init), tls: .disable)
        var logger = Logger(label: "ferry.test.postgres")
        logger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await body(client)
    }
}
