// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for Ferry's parsers, over the properties in FerryFuzzing (the main package). Built only with
// the fuzzer sanitizer — `Fuzz/run.sh` does it:
//   swift build -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
let package = Package(
    name: "FerryFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Ferry", path: "..")],
    targets: [
        .executableTarget(name: "ferry-fuzz", dependencies: [.product(name: "FerryFuzzing", package: "Ferry")])
    ]
)
