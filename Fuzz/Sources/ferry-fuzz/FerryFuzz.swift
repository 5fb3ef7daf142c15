import FerryFuzzing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ferry-fuzz TARGET [libFuzzer options] [corpus folders]`: runs libFuzzer over one ``FerryFuzzing/FuzzTarget``.
/// The first argument names the target and is taken out before libFuzzer reads the rest.
///
/// ```
/// ferry-fuzz sse -max_total_time=60 /tmp/work/sse Fuzz/Corpus/sse
/// ```
nonisolated(unsafe) private var target = FuzzTarget.sse

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let violation = target.check(input) {
        say("ferry-fuzz: \(violation)\n")
        abort()
    }
    return 0
}

/// Writes `text` to standard error.
private func say(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's `main` to `<module>_main`; with `-parse-as-library` there is none, so this is it.
@_cdecl("ferry_fuzz_main")
public func ferryFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    guard argc >= 2, let argv, let name = argv[1].map({ String(cString: $0) }), let chosen = FuzzTarget(rawValue: name) else {
        say("usage: ferry-fuzz TARGET [libFuzzer options] [corpus folders]\ntargets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n")
        return 2
    }
    target = chosen
    // libFuzzer reads the rest: the program's name, then what followed the target.
    var arguments: [UnsafeMutablePointer<CChar>?] = [argv[0]] + (2..<Int(argc)).map { argv[$0] } + [nil]
    var count = CInt(arguments.count - 1)
    return arguments.withUnsafeMutableBufferPointer { buffer in
        var pointer = buffer.baseAddress
        return runDriver(&count, &pointer, fuzzOneInput)
    }
}
