import Foundation
import Glibc
import IoUring
import Testing

/// Polls the CQ ring without entering the kernel, for up to `limit`; nil when nothing arrived.
func pollWithoutEnter(_ ring: IoUringRing, limit: Duration = .seconds(3)) -> CompletionQueueEntry? {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: limit)
    while clock.now < end {
        if let c = ring.popCompletion() { return c }
        usleep(1_000)
    }
    return nil
}

@Suite("Issue 15 defects")
struct DefectTests {
    @Test("SQPOLL: after the poll thread idles (IORING_SQ_NEED_WAKEUP), submit wakes it with IORING_ENTER_SQ_WAKEUP")
    func sqPollWakeup() throws {
        guard let ring = try openRing(flags: .sqPoll, sqThreadIdle: 1) else { return }
        for round in 0..<3 {
            // Wait (up to 5 s, on a loaded machine) for the 1 ms-idle poll thread to go to sleep.
            for _ in 0..<500 where !ring.sqRingFlags.contains(.needWakeup) { usleep(10_000) }
            #expect(ring.sqRingFlags.contains(.needWakeup), "round \(round): the poll thread should be asleep")
            #expect(ring.prepare { $0.prepareNop(userData: UInt64(500 + round)) })
            #expect(try ring.submit() == 1)
            // No further io_uring_enter: only a woken poll thread can complete this.
            let c = pollWithoutEnter(ring)
            #expect(c?.userData == UInt64(500 + round), "round \(round): the NOP never completed")
        }
    }

    @Test(".cqSize takes cq_entries: a CQ ring larger than the SQ holds every completion")
    func cqSize() throws {
        guard let ring = try openRing(entries: 8, cqEntries: 64) else { return }
        #expect(ring.params.cq_entries == 64)
        #expect(ring.params.flags & IORING_SETUP_CQSIZE != 0)
        for batch in 0..<5 {
            for i in 0..<8 { #expect(ring.prepare { $0.prepareNop(userData: UInt64(batch * 8 + i)) }) }
            try ring.submit()
        }
        _ = try ring.wait(for: 40, timeout: .seconds(5))
        #expect(ring.completions().map(\.userData) == (0..<40).map(UInt64.init))
        // The flag alone means the kernel's default, twice the SQ.
        guard let plain = try openRing(entries: 8, flags: .cqSize) else { return }
        #expect(plain.params.cq_entries == 16)
    }

    @Test("A request kept past a ring wrap is a copy: changing it rewrites no other request")
    func requestsAreValues() throws {
        guard let ring = try openRing(entries: 8) else { return }
        var kept = SubmissionQueueEntry()
        #expect(ring.prepare { $0.prepareNop(userData: 100); kept = $0 })
        try ring.submitAndWait(1)
        var seen = ring.completions().map(\.userData)
        for i in 1..<7 {
            #expect(ring.prepare { $0.prepareNop(userData: 100 + UInt64(i)) })
            kept.userData = 2989 // the old view rewrote whatever request reused the slot
            try ring.submitAndWait(1)
            seen += ring.completions().map(\.userData)
        }
        #expect(seen == Array(100...106))
        // A request that outlives its ring is just bytes.
        let escaped: SubmissionQueueEntry? = {
            guard let r = try? IoUringRing(entries: 8) else { return nil }
            var e: SubmissionQueueEntry?
            _ = r.prepare { $0.prepareNop(userData: 5); e = $0 }
            return e
        }()
        var copy = escaped
        copy?.userData = 1
        #expect(copy?.userData == 1 && escaped?.userData == 5)
    }

    @Test("A completion is plain data: CQE32's extra words are a fixed-size value, no heap object")
    func completionIsPOD() throws {
        #expect(_isPOD(CompletionQueueEntry.self))
        #expect(MemoryLayout<CompletionQueueEntry>.size <= 48)
        guard let ring = try openRing(flags: .cqe32) else { return }
        #expect(ring.prepare { $0.prepareNop(userData: 3) })
        try ring.submitAndWait(1)
        let c = try ring.waitCompletion()
        #expect(c.extra.count == 2 && c.userData == 3)
    }

    @Test("a 128-byte request does not fit a 64-byte ring: enqueue refuses it instead of dropping 64 bytes of payload")
    func oversizeRequest() async throws {
        guard let ring = try openRing() else { return }
        var big = SubmissionQueueEntry(size: 128)
        big.prepareCommand(fd: 0, operation: 1, userData: 1)
        #expect(throws: IoUringError.payloadTooLarge(size: 80, capacity: 16)) { try ring.enqueue(big) }
        var small = SubmissionQueueEntry()
        small.prepareNop(userData: 2)
        #expect(try ring.enqueue(small))
        let shared = try AsyncIoUring(entries: 8)
        await #expect(throws: IoUringError.payloadTooLarge(size: 80, capacity: 16)) { try await shared.submit(big) }
        #expect(try await shared.submit(small).res == 0)
    }
}
