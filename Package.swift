// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Ferry",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FerryCore", targets: ["FerryCore"]),
        .library(name: "FerryWire", targets: ["FerryWire"]),
        .library(name: "FerryProviders", targets: ["FerryProviders"]),
        .library(name: "FerryRouter", targets: ["FerryRouter"]),
        .library(name: "FerryConfig", targets: ["FerryConfig"]),
        .library(name: "FerryServer", targets: ["FerryServer"]),
        .library(name: "FerrySim", targets: ["FerrySim"]),
        .library(name: "FerryDoctor", targets: ["FerryDoctor"]),
        .library(name: "FerryBench", targets: ["FerryBench"]),
        .library(name: "FerryLaunch", targets: ["FerryLaunch"]),
        .library(name: "FerryRAG", targets: ["FerryRAG"]),
        .library(name: "FerryCache", targets: ["FerryCache"]),
        .library(name: "FerryAccess", targets: ["FerryAccess"]),
        .library(name: "FerryFuzzing", targets: ["FerryFuzzing"]),
        .library(name: "FerryAgent", targets: ["FerryAgent"]),
        .executable(name: "ferry", targets: ["ferry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/drmohundro/SWXMLHash", from: "8.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // Provider-neutral model. Foundation only, no networking.
        .target(name: "FerryCore", swiftSettings: strict),
        // Wire dialects (OpenAI, Ollama, Gemini) and stream framing (SSE, NDJSON, JSON array).
        .target(
            name: "FerryWire",
            dependencies: [
                "FerryCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Agents: a tool loop over any LanguageModel, tools as Swift closures.
        .target(
            name: "FerryAgent",
            dependencies: [
                "FerryCore",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        // Properties of the wire code over arbitrary bytes, for the libFuzzer targets (Fuzz/) and the corpus tests.
        .target(
            name: "FerryFuzzing",
            dependencies: ["FerryCore", "FerryWire", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // LanguageModel implementations over HTTP: OpenAI-compatible, Ollama, Gemini. One shared client, no retries.
        .target(
            name: "FerryProviders",
            dependencies: [
                "FerryCore",
                "FerryWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The router: routes, strategies, the one retry loop, circuit breakers, timeouts. Itself a LanguageModel.
        .target(
            name: "FerryRouter",
            dependencies: [
                "FerryCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Managed backends: a backend's server process started, probed, restarted, stopped; launch presets.
        .target(
            name: "FerryLaunch",
            dependencies: [
                "FerryCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        // Documents in, passages out: extraction (text, Markdown, HTML, PDF, DOCX, JSON), structure-following chunks,
        // embeddings through any LanguageModel or the embedded e5 library, stores (SQLite + FTS5), hybrid retrieval.
        .target(
            name: "FerryRAG",
            dependencies: [
                "FerryCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "SWXMLHash", package: "SWXMLHash"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strict
        ),
        // The response cache: keys (swift-crypto), stores (memory, SQLite through GRDB, PostgreSQL through postgres-nio),
        // single-flight.
        .target(
            name: "FerryCache",
            dependencies: [
                "FerryCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Keys made at run time, their limits, and usage accounting: SQLite or PostgreSQL.
        .target(
            name: "FerryAccess",
            dependencies: [
                "FerryCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The configuration factory: file + environment + command line → providers and a router.
        .target(
            name: "FerryConfig",
            dependencies: [
                "FerryAgent", "FerryCache", "FerryCore", "FerryLaunch", "FerryProviders", "FerryRAG", "FerryRouter", "FerryWire",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // `ferry doctor`'s checks: a backend examined step by step, each failure with its fix.
        .target(
            name: "FerryDoctor",
            dependencies: [
                "FerryConfig", "FerryCore", "FerryLaunch", "FerryProviders", "FerryWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // `ferry bench`: load generator (closed and open loop) and report (TTFT, TPOT, ITL, E2EL, goodput, paired
        // differences against a baseline), with tables, JSON and SVG charts.
        .target(
            name: "FerryBench",
            dependencies: [
                "FerryCore", "FerryProviders",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict
        ),
        // The gateway: OpenAI and Ollama APIs in front of the router, the documents API over FerryRAG, and the web
        // page (Web/Page: plain HTML, CSS and JavaScript modules, embedded in the binary).
        .target(
            name: "FerryServer",
            dependencies: [
                "FerryCore", "FerryWire", "FerryRouter", "FerryProviders", "FerryRAG", "FerryCache", "FerryAccess",
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            resources: [.embedInCode("Web/Page")],
            swiftSettings: strict
        ),
        // The simulated inference server. Depends on Core + Wire only.
        .target(
            name: "FerrySim",
            dependencies: [
                "FerryCore",
                "FerryWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ferry",
            dependencies: [
                "FerryAccess", "FerryAgent", "FerryBench", "FerryCache", "FerryConfig", "FerryCore", "FerryDoctor", "FerryLaunch", "FerryProviders", "FerryRAG", "FerryRouter", "FerryServer", "FerrySim",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "FerryCoreTests", dependencies: ["FerryCore"], swiftSettings: strict),
        .testTarget(name: "FerryAccessTests", dependencies: ["FerryAccess", "FerryCore", .product(name: "MetricsTestKit", package: "swift-metrics")], swiftSettings: strict),
        .testTarget(name: "FerryAgentTests", dependencies: ["FerryAgent", "FerryCore", "FerryProviders", "FerrySim"], swiftSettings: strict),
        .testTarget(name: "FerryFuzzingTests", dependencies: ["FerryFuzzing", "FerryWire"], swiftSettings: strict),
        .testTarget(
            name: "FerryWireTests",
            dependencies: ["FerryCore", "FerryWire", .product(name: "NIOCore", package: "swift-nio")],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryProvidersTests",
            dependencies: [
                "FerryProviders", "FerrySim", "FerryWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryServerTests",
            dependencies: [
                "FerryAccess", "FerryCore", "FerryServer", "FerryRouter", "FerryRAG", "FerrySim", "FerryProviders",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryRouterTests",
            dependencies: [
                "FerryCore", "FerryRouter", "FerryProviders", "FerrySim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryConfigTests",
            dependencies: ["FerryAgent", "FerryCache", "FerryConfig", "FerryLaunch", "FerryRAG", "FerryProviders", "FerryRouter", "FerrySim", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Files")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryLaunchTests",
            dependencies: ["FerryLaunch", "FerryConfig", "FerryCore", "FerryProviders", "FerryRouter", "FerrySim", .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryCacheTests",
            dependencies: [
                "FerryCache", "FerryCore",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "FerryBenchTests", dependencies: ["FerryBench", "FerryCore"], swiftSettings: strict),
        .testTarget(
            name: "FerryRAGTests",
            dependencies: [
                "FerryRAG", "FerryCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.copy("Documents"), .copy("Answers")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryDoctorTests",
            dependencies: ["FerryDoctor", "FerryConfig", "FerryLaunch", "FerryProviders", "FerrySim", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerrySimTests",
            dependencies: [
                "FerrySim", "FerryWire",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)
