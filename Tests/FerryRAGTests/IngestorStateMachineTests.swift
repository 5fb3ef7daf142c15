import FerryCore
@testable import FerryRAG
import Foundation
import Testing

@Suite("Ingest job state machine")
struct IngestorStateMachineTests {
    static func pending(_ name: String, chunks: Int) -> Ingestor.Pending {
        let document = ExtractedDocument(format: .text, title: nil, blocks: [TextBlock("x")])
        let made = (0..<chunks).map { Chunk(ordinal: $0, text: "\(name) \($0)", section: [], page: nil, start: 0, end: 1, tokenCount: 1) }
        return Ingestor.Pending(path: name, document: document, chunks: made, hash: name, bytes: 1, replaces: false)
    }

    static func trace(_ machine: inout Ingestor.StateMachine, files: [Ingestor.Pending?]) -> [String] {
        var steps: [String] = []
        var action = machine.start()
        var left = files[...]
        while true {
            switch action {
            case .read:
                steps.append("read")
                action = machine.read(left.popFirst()!)
            case .write(let group):
                steps.append("write " + group.map(\.path).joined(separator: ","))
                action = machine.written()
            case .sync:
                steps.append("sync")
                action = machine.synced()
            case .finish:
                steps.append("finish")
                return steps
            }
        }
    }

    @Test("groups fill by files and by passages; skipped files count as read; the last group is written; sync comes last")
    func table() {
        var byFiles = Ingestor.StateMachine(files: 5, groupFiles: 2, groupChunks: 100, sync: false)
        #expect(Self.trace(&byFiles, files: [Self.pending("a", chunks: 1), nil, Self.pending("b", chunks: 1), Self.pending("c", chunks: 1), nil])
            == ["read", "read", "read", "write a,b", "read", "read", "write c", "finish"])
        var byChunks = Ingestor.StateMachine(files: 3, groupFiles: 10, groupChunks: 5, sync: true)
        #expect(Self.trace(&byChunks, files: [Self.pending("big", chunks: 7), Self.pending("s", chunks: 2), Self.pending("t", chunks: 2)])
            == ["read", "write big", "read", "read", "write s,t", "sync", "finish"])
        var nothing = Ingestor.StateMachine(files: 2, groupFiles: 4, groupChunks: 4, sync: true)
        #expect(Self.trace(&nothing, files: [nil, nil]) == ["read", "read", "sync", "finish"])
        var empty = Ingestor.StateMachine(files: 0, groupFiles: 4, groupChunks: 4, sync: false)
        #expect(Self.trace(&empty, files: []) == ["finish"])
    }

    @Test("seeded random jobs: every file is read once, every document written once, in order")
    func random() {
        var generator = SplitMix64(seed: 17)
        for _ in 0..<200 {
            let count = Int(generator.next() % 30)
            let files: [Ingestor.Pending?] = (0..<count).map { index in generator.next() % 3 == 0 ? nil : Self.pending("f\(index)", chunks: Int(generator.next() % 9)) }
            var machine = Ingestor.StateMachine(files: count, groupFiles: Int(1 + generator.next() % 5), groupChunks: Int(1 + generator.next() % 12), sync: generator.next() % 2 == 0)
            let steps = Self.trace(&machine, files: files)
            #expect(steps.filter { $0 == "read" }.count == count)
            let written = steps.filter { $0.hasPrefix("write ") }.flatMap { $0.dropFirst(6).split(separator: ",").map(String.init) }
            #expect(written == files.compactMap { $0?.path })
            #expect(steps.last == "finish")
        }
    }
}
