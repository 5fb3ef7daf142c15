import FerryCore
import FerryRAG
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird

extension Gateway {
    /// The documents API: `POST /api/documents` (multipart upload, or `{"path"}` when allowed), `GET /api/documents`,
    /// `DELETE /api/documents/{id}`, `POST /api/search`, `GET /api/collections`. Errors in OpenAI's shape.
    func addDocumentRoutes(to routes: Hummingbird.Router<GatewayContext>, documents: DocumentService) {
        routes.post("/api/documents") { [self] request, context in
            await serve(.openAI, context) { try await ingest(request, context: context, documents: documents) }
        }
        routes.get("/api/documents") { [self] request, context in
            await serve(.openAI, context) {
                let collection = request.uri.queryParameters.get("collection")
                let stored = try await documents.store.documents(in: collection)
                return try json(DocumentListJSON(documents: stored.map(DocumentJSON.init)), context: context)
            }
        }
        routes.delete("/api/documents/:id") { [self] _, context in
            await serve(.openAI, context) {
                guard let text = context.parameters.get("id"), let id = Int64(text) else {
                    throw FerryError.invalidRequest("the document id must be a number, as GET /api/documents lists them", field: "id")
                }
                guard let document = try await documents.store.document(id: id), try await documents.store.deleteDocument(id: id) else {
                    throw FerryError(code: .modelNotFound, message: "There is no document \(id)", hint: "list the documents with GET /api/documents", httpStatus: 404)
                }
                return try json(DeletedJSON(deleted: id, document: document.path, collection: document.collection), context: context)
            }
        }
        routes.post("/api/search") { [self] request, context in
            await serve(.openAI, context) {
                let body = try await decode(SearchBody.self, from: request, context: context)
                let response = try await documents.retriever().search(try body.request())
                return try json(response.json, context: context)
            }
        }
        routes.get("/api/collections") { [self] _, context in
            await serve(.openAI, context) {
                try json(CollectionListJSON(collections: try await documents.store.collections().map(\.json)), context: context)
            }
        }
    }

    /// `POST /api/documents`: files uploaded as multipart/form-data (a `collection` field may name the collection),
    /// or `{"path", "collection", "sync"}` for files on the server when `rag.allow_server_paths` is on.
    private func ingest(_ request: Request, context: GatewayContext, documents: DocumentService) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        let limit = max(context.maxUploadSize, documents.reader.maxBytes + (1 << 20))
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw FerryError.tooLarge("The upload", limit: limit)
        }
        var options = IngestOptions(chunking: documents.chunking)
        var sources: [IngestSource] = []
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            let form = try MultipartForm(body: body, contentType: contentType)
            guard !form.files.isEmpty else {
                throw FerryError.invalidRequest("the form holds no file; send each document as a file part, e.g. curl -F file=@manual.pdf", field: "file")
            }
            if let collection = form.fields["collection"], !collection.isEmpty { options.collection = collection }
            if let metadata = form.fields["metadata"] {
                guard let object = try? JSONDecoder().decode([String: String].self, from: Data(metadata.utf8)) else {
                    throw FerryError.invalidRequest("must be a JSON object of strings, e.g. {\"team\": \"crew\"}", field: "metadata")
                }
                options.metadata = object
            }
            sources = form.files.map { .upload(name: $0.name, data: $0.data) }
        } else {
            let wire = try WireJSON.decodeRequest(DocumentPathBody.self, from: body.readableBytesView)
            guard documents.allowServerPaths else {
                throw FerryError(code: .badRequest, message: "Reading files on the server is turned off", hint: "upload the files as multipart/form-data (curl -F file=@manual.pdf), or set rag.allow_server_paths: true in the server's configuration", httpStatus: 403, field: "path")
            }
            guard !wire.path.isEmpty else { throw FerryError.invalidRequest("must name a file or folder on the server", field: "path") }
            options.collection = wire.collection ?? options.collection
            options.sync = wire.sync ?? false
            options.metadata = wire.metadata ?? [:]
            sources = [.path(wire.path)]
        }
        try Self.checkCollectionName(options.collection)
        let summary = try await documents.ingestor().ingest(sources, options: options)
        var response = try json(summary, context: context)
        if !summary.added.isEmpty { response.status = .created }
        return response
    }

    /// Text a document store is asked for: no NUL characters (PostgreSQL cannot hold them, SQLite's C strings end
    /// at them).
    static func checkText(_ text: String, field: String) throws {
        if text.utf8.contains(0) { throw FerryError.invalidRequest("must not contain NUL characters (\\u0000)", field: field) }
    }

    static func checkCollectionName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 128, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw FerryError.invalidRequest("a collection name is letters, digits, - _ and . (at most 128), got \"\(name)\"", field: "collection")
        }
    }
}

/// `POST /api/search`'s body.
struct SearchBody: Decodable {
    struct Filters: Decodable {
        var path: String?
        var metadata: [String: String]?
    }

    var query: String
    var collection: String?
    var topK: Int?
    var mode: String?
    var filters: Filters?
    var mmr: Double?

    enum CodingKeys: String, CodingKey {
        case query, collection, mode, filters, mmr
        case topK = "top_k"
    }

    func request() throws -> SearchRequest {
        var mode = SearchMode.hybrid
        if let name = self.mode {
            guard let known = SearchMode(rawValue: name) else { throw FerryError.invalidRequest("must be hybrid, vector or lexical, got \"\(name)\"", field: "mode") }
            mode = known
        }
        if let mmr, !(0...1).contains(mmr) { throw FerryError.invalidRequest("must be between 0 and 1", field: "mmr") }
        try Gateway.checkText(query, field: "query")
        return SearchRequest(
            query: query, collection: collection ?? CollectionInfo.defaultName, topK: topK ?? 5, mode: mode,
            filters: try filters.checked(), mmrLambda: mmr
        )
    }
}

extension SearchBody.Filters? {
    /// The filters as the stores take them, checked (``Gateway/checkText(_:field:)``).
    func checked() throws -> SearchFilters {
        guard let filters = self else { return SearchFilters() }
        if let path = filters.path { try Gateway.checkText(path, field: "filters.path") }
        for (key, value) in filters.metadata ?? [:] {
            try Gateway.checkText(key, field: "filters.metadata")
            try Gateway.checkText(value, field: "filters.metadata.\(key)")
        }
        return SearchFilters(path: filters.path, metadata: filters.metadata ?? [:])
    }
}

/// `POST /api/documents`'s JSON body.
struct DocumentPathBody: Decodable {
    var path: String
    var collection: String?
    var sync: Bool?
    var metadata: [String: String]?
}

struct DocumentJSON: Encodable {
    var id: Int64
    var collection: String
    var document: String
    var title: String?
    var format: String
    var chunks: Int
    var bytes: Int
    var metadata: [String: String]
    var ingestedAt: String

    init(_ stored: StoredDocument) {
        id = stored.id
        collection = stored.collection
        document = stored.path
        title = stored.title
        format = stored.format.rawValue
        chunks = stored.chunks
        bytes = stored.bytes
        metadata = stored.metadata
        ingestedAt = ISO8601DateFormatter().string(from: stored.ingestedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, collection, document, title, format, chunks, bytes, metadata
        case ingestedAt = "ingested_at"
    }
}

struct DocumentListJSON: Encodable {
    var documents: [DocumentJSON]
}

struct DeletedJSON: Encodable {
    var deleted: Int64
    var document: String
    var collection: String
}

struct CollectionListJSON: Encodable {
    var collections: [CollectionInfo.JSON]
}
