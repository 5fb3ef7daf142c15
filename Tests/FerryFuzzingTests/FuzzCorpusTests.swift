@testable import FerryFuzzing
import FerryWire
import Foundation
import Testing

/// Every input kept for the fuzz targets — the seed corpus (`Fuzz/Corpus/<target>/`, from the recorded fixtures)
/// and each input that once broke a property (`Fuzz/Regressions/<target>/`) — checked in the ordinary test run,
/// without libFuzzer or sanitizers.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ target: FuzzTarget, in folder: String) -> [URL] {
        let directory = fuzz.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test("each target has a seed corpus, and every seed and regression holds", arguments: FuzzTarget.allCases)
    func corpus(_ target: FuzzTarget) throws {
        let seeds = Self.inputs(target, in: "Corpus")
        #expect(seeds.count >= 5, "Fuzz/Corpus/\(target.rawValue) has \(seeds.count) seeds: run Fuzz/seed.py")
        for file in seeds + Self.inputs(target, in: "Regressions") {
            let violation = target.check(Array(try Data(contentsOf: file)))
            #expect(violation == nil, "\(file.lastPathComponent): \(violation.map(String.init(describing:)) ?? "")")
        }
    }

    @Test("the reference SSE reader follows the WHATWG rules on a known stream")
    func referenceSSE() {
        let events = ReferenceSSE.events(Array("\u{FEFF}data: a\r\ndata: b\r\rid: 7\nevent: e\ndata:c\n\n: note\ndata: tail".utf8))
        #expect(events == [
            ServerSentEvent(text: "a\nb"),
            ServerSentEvent(event: "e", text: "c", id: "7"),
            ServerSentEvent(text: "tail", id: "7"),
        ])
    }

    @Test("a streamed array Foundation reads is compared element by element")
    func arraysCompared() {
        #expect(FuzzTarget.jsonArray.check([0] + Array(#"[{"a":1}, [2,{"b":"]"}] ]"#.utf8)) == nil)
        // JSONValues tells values apart, as the comparisons need.
        #expect(!JSONValues.equal(["a": 1], ["a": 2]))
        #expect(!JSONValues.equal(["a": [1, "x"]], ["a": ["x", 1]]))
        #expect(JSONValues.equal(["a": [1, "x"]], ["a": [1, "x"]]))
    }
}
