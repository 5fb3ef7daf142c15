@testable import FerryServer
import NIOCore
import FerryCore
import Testing

/// The inline exchange's life, driven without sockets or backends: what each event asks for, and that the end —
/// which ends the router's attempt and releases the concurrency slot — comes exactly once.
@Suite("Inline exchange state machine")
struct InlineExchangeStateMachineTests {
    typealias Machine = InlineExchange.StateMachine

    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func begun(limit: TimeAmount = .seconds(5)) -> Machine {
        var machine = Machine()
        #expect(machine.begin(now: start, limit: limit) == start + limit)
        return machine
    }

    @Test("a whole answer ends it; anything after is dropped")
    func wholeAnswer() {
        var machine = begun()
        let outcome22 = machine.receivedAnswer()
        #expect(outcome22)
        #expect(machine.isFinished)
        let outcome24 = machine.receivedAnswer()
        #expect(!outcome24)
        #expect(machine.received(.content, now: start) == .ignore)
        #expect(machine.clientLeft() == .none)
        #expect(machine.deadlineReached(now: start + .seconds(60), idleLimit: .seconds(1)) == .none)
    }

    @Test("a stream commits on its first event, writes each event, and ends on finish")
    func stream() {
        var machine = begun()
        #expect(machine.received(.content, now: start) == .write(commit: true, end: false))
        #expect(machine.receivedText(now: start + .milliseconds(1)) == .write)
        #expect(machine.received(.content, now: start + .milliseconds(2)) == .write(commit: false, end: false))
        #expect(machine.received(.finish, now: start + .milliseconds(3)) == .write(commit: false, end: true))
        #expect(machine.isFinished)
    }

    @Test("plain text before the commit goes the event way; after the commit it is written as it is")
    func textBeforeCommit() {
        var machine = begun()
        #expect(machine.receivedText(now: start) == .asEvent)
        #expect(machine.state == .awaiting(deadline: start + .seconds(5)))
    }

    @Test("an error before the commit is settled once: the client waiting, or gone meanwhile")
    func errorBeforeCommit() {
        var machine = begun()
        #expect(machine.received(.error, now: start) == .failBeforeCommit)
        #expect(machine.failed() == .ignore, "already settling")
        #expect(machine.clientLeft() == .none, "the settling step ends the attempt, not the client's leaving")
        let outcome53 = machine.settled()
        #expect(!outcome53, "the client left meanwhile")
        #expect(machine.isFinished)

        var waiting = begun()
        #expect(waiting.failed() == .failBeforeCommit)
        let outcome58 = waiting.settled()
        #expect(outcome58)
    }

    @Test("after the commit, a failure ends the stream in-band")
    func failureAfterCommit() {
        var machine = begun()
        _ = machine.received(.content, now: start)
        #expect(machine.failed() == .breakInBand)
        #expect(machine.received(.error, now: start) == .write(commit: false, end: true))
        #expect(machine.isFinished)
    }

    @Test("deadlines: the first one before the commit, then the idle limit from the last event")
    func deadlines() {
        var machine = begun(limit: .seconds(5))
        #expect(machine.deadlineReached(now: start + .seconds(4), idleLimit: .seconds(2)) == .watch(start + .seconds(5)))
        _ = machine.received(.content, now: start + .seconds(4))
        #expect(machine.deadlineReached(now: start + .seconds(5), idleLimit: .seconds(2)) == .watch(start + .seconds(6)))
        _ = machine.receivedText(now: start + .seconds(5))
        #expect(machine.deadlineReached(now: start + .seconds(6), idleLimit: .seconds(2)) == .watch(start + .seconds(7)))
        #expect(machine.deadlineReached(now: start + .seconds(7), idleLimit: .seconds(2)) == .idleTimeout)

        var late = begun(limit: .seconds(5))
        #expect(late.deadlineReached(now: start + .seconds(5), idleLimit: .seconds(2)) == .timedOutBeforeCommit)
        #expect(late.received(.content, now: start + .seconds(6)) == .ignore, "too late: the timeout is being settled")
        let outcome83 = late.settled()
        #expect(outcome83)
    }

    @Test("the client leaving: an unanswered attempt is abandoned, a committed stream cancelled")
    func clientLeaves() {
        var waiting = begun()
        #expect(waiting.clientLeft() == .abandon)
        var streaming = begun()
        _ = streaming.received(.content, now: start)
        #expect(streaming.clientLeft() == .cancelStream)
        #expect(streaming.clientLeft() == .none)
    }

    /// Ends are what end the router's attempt and release the slot: a whole answer written, a stream's last event
    /// written, a failure settled, the client's leaving acted on.
    private static func ends(_ action: Machine.EventAction) -> Bool {
        if case .write(_, true) = action { return true }
        return false
    }

    @Test("random event orders end the exchange exactly once", arguments: 0..<500)
    func randomEvents(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        var machine = begun(limit: .seconds(5))
        var now = start
        var ends = 0
        var settling = false
        // A call answers whole or streams, never both.
        let streams = random.next() % 2 == 0
        for _ in 0..<40 {
            now = now + .milliseconds(Int64(random.next() % 3000))
            let event = random.next() % 9
            if streams ? event == 0 : (1...3).contains(event) { continue }
            switch event {
            case 0:
                if machine.receivedAnswer() { ends += 1 }
            case 1, 2:
                let kinds: [Machine.EventKind] = [.content, .content, .finish, .error]
                let action = machine.received(kinds[Int(random.next() % 4)], now: now)
                if Self.ends(action) { ends += 1 }
                if action == .failBeforeCommit { settling = true }
            case 3:
                if machine.receivedText(now: now) == .asEvent {
                    let action = machine.received(.content, now: now)
                    #expect(action == .write(commit: true, end: false), "seed \(seed)")
                }
            case 4:
                switch machine.failed() {
                case .failBeforeCommit: settling = true
                case .breakInBand: if Self.ends(machine.received(.error, now: now)) { ends += 1 }
                case .ignore: break
                }
            case 5:
                switch machine.deadlineReached(now: now, idleLimit: .seconds(2)) {
                case .timedOutBeforeCommit: settling = true
                case .idleTimeout: if Self.ends(machine.received(.error, now: now)) { ends += 1 }
                case .watch(let deadline): #expect(deadline > now, "seed \(seed): a deadline already passed is watched again")
                case .none: break
                }
            case 6:
                if settling {
                    settling = false
                    _ = machine.settled()
                    ends += 1
                }
            default:
                if random.next() % 4 == 0, machine.clientLeft() != .none { ends += 1 }
            }
            #expect(ends <= 1, "seed \(seed): the exchange ended \(ends) times, in state \(machine.state)")
        }
        if settling {
            _ = machine.settled()
            ends += 1
        } else if !machine.isFinished, machine.clientLeft() != .none {
            ends += 1
        }
        #expect(ends == 1, "seed \(seed): the exchange ended \(ends) times")
        #expect(machine.isFinished)
    }
}
