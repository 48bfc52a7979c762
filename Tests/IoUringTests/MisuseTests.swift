import Foundation
import Glibc
import IoUring
import Testing

/// Misuse in safe code, found by writing a consumer package against the documented API.
@Suite("Misuse in safe code")
struct MisuseTests {
    struct Payload: BitwiseCopyable, Equatable { var a: UInt64; var b: UInt64 }

    @Test("a UringCommand model kept past withModel stays valid (its memory lives as long as the view)")
    func modelEscapes() throws {
        var request = SubmissionQueueEntry()
        request.prepareCommand(fd: 3, operation: 7, userData: 1)
        try request.writeCommand(Payload(a: 0x1111, b: 0x2222))
        var saved: UringCommand?
        UringCommand.withModel(of: request) { saved = $0 }
        // Churn the allocator with blocks of the model's size, as freed memory would be reused.
        var churn: [UnsafeMutableRawPointer] = []
        for _ in 0..<64 {
            let p = UnsafeMutableRawPointer.allocate(byteCount: io_uring_cmd.size + 2 * io_uring_sqe.size, alignment: 16)
            p.initializeMemory(as: UInt8.self, repeating: 0xAA, count: io_uring_cmd.size + 2 * io_uring_sqe.size)
            churn.append(p)
        }
        defer { churn.forEach { $0.deallocate() } }
        let cmd = try #require(saved)
        try cmd.writePDU(UInt64(42))
        #expect(try cmd.readPDU(as: UInt64.self) == 42)
        #expect(cmd.commandOperation == 7)
        #expect(try cmd.sqe()?.commandData(as: Payload.self) == Payload(a: 0x1111, b: 0x2222))
    }

    @Test("an SQE view of a model cannot be pointed elsewhere: a changed io_uring_cmd.sqe gives nil, not a wild read")
    func modelRedirectedSQE() throws {
        var request = SubmissionQueueEntry()
        request.prepareCommand(fd: 3, operation: 7, userData: 1)
        let results: [Bool] = UringCommand.withModel(of: request) { cmd in
            var c = cmd.command
            let original = c.sqe
            c.sqe = 8                                  // an address no one owns
            cmd.command = c
            let redirected = cmd.sqe() == nil
            c.sqe = original
            cmd.command = c
            return [redirected, cmd.sqe() != nil]
        }
        #expect(results == [true, true])
    }

    @Test("a prepare body that fills the last free slot itself: the outer request is not written over another")
    func nestedPrepareFillsRing() throws {
        guard let ring = try openRing(entries: 1) else { return }
        #expect(ring.params.sq_entries == 1)
        let outer = ring.prepare { o in
            o.prepareNop(userData: 1)
            #expect(ring.prepare { $0.prepareNop(userData: 2) })
        }
        #expect(!outer, "no room was left for the outer request")
        #expect(ring.pendingSubmissions == 1)
        try ring.submit()
        _ = try ring.wait(for: 1, timeout: .seconds(5))
        #expect(ring.completions().map(\.userData) == [2])
    }

    @Test("prepare traps when the body swaps in a 128-byte request on a 64-byte ring (its second half would be lost)")
    func prepareOversizedValue() async {
        await #expect(processExitsWith: .failure) {
            guard let ring = try? IoUringRing(entries: 4) else { exit(1) }   // no io_uring: the expectation holds trivially
            var big = SubmissionQueueEntry(size: 2 * io_uring_sqe.size)
            big.prepareCommand(fd: 0, operation: 0, userData: 1)
            _ = ring.prepare { $0 = big }
        }
    }

    @Test("AsyncIoUring.shutdown cancels every request in flight and waiting (IORING_ASYNC_CANCEL_ALL), none runs to its end",
          .timeLimit(.minutes(2)))
    func shutdownCancelsAll() async throws {
        guard try openRing() != nil else { return }
        // A CQ of 32 lets 24 in flight; the other 26 wait in the backlog behind them.
        let ring = try AsyncIoUring(entries: 8)
        let results = await withTaskGroup(of: Int32.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    var request = SubmissionQueueEntry()
                    request.prepareTimeout(.seconds(60), userData: 0)
                    do { return try await ring.submit(request).res } catch let e as IoUringError { return -e.errno } catch { return 0 }
                }
            }
            // Let the owner take them in, then shut down.
            _ = try? await ring.nop()
            ring.shutdown()
            var all: [Int32] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { $0 == -ECANCELED }, "results: \(Dictionary(grouping: results, by: { $0 }).mapValues(\.count))")
    }

    @Test("AsyncIoUring refuses links (they would chain to another task's request) and CQE_SKIP_SUCCESS (no completion would resume the task)",
          .timeLimit(.minutes(1)), arguments: [SQEFlags.ioLink, .ioHardlink, .cqeSkipSuccess])
    func asyncRefusesFlags(_ flag: SQEFlags) async throws {
        guard try openRing() != nil else { return }
        let ring = try AsyncIoUring(entries: 8)
        defer { ring.shutdown() }
        var request = SubmissionQueueEntry()
        request.prepareNop(userData: 0)
        request.flags = flag
        await #expect(throws: IoUringError.system(call: "AsyncIoUring.submit (IOSQE_IO_LINK, IO_HARDLINK or CQE_SKIP_SUCCESS)", errno: EINVAL)) {
            _ = try await ring.submit(request)
        }
        // The ring still works.
        #expect(try await ring.nop().res == 0)
    }
}

@Suite("Misuse in safe code: completions")
struct CompletionMisuseTests {
    @Test("a reapCompletions body that takes completions itself sees each one once, never twice")
    func reentrantReap() throws {
        guard let ring = try openRing(entries: 8) else { return }
        for i in 1...5 { #expect(ring.prepare { $0.prepareNop(userData: UInt64(i)) }) }
        _ = try ring.wait(for: 5, timeout: .seconds(5))
        var seen: [UInt64] = []
        let passed = ring.reapCompletions { c in
            seen.append(c.userData)
            if let next = ring.popCompletion() { seen.append(next.userData) }
        }
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(passed == 3)
        #expect(ring.popCompletion() == nil)
    }
}

@Suite("Misuse in safe code: registered buffers")
struct BufferMisuseTests {
    @Test("unregistering the buffers from inside withRegisteredBuffer is EBUSY: the body's buffer stays mapped")
    func unregisterWhileBorrowed() throws {
        guard let ring = try openRing(entries: 4) else { return }
        try ring.registerBuffers(count: 1, size: 4096)
        let wrote: Bool = ring.withRegisteredBuffer(0) { buffer in
            guard let buffer else { return false }
            #expect(throws: IoUringError.system(call: "io_uring_register(IORING_UNREGISTER_BUFFERS)", errno: EBUSY)) {
                try ring.unregisterBuffers()
            }
            buffer.storeBytes(of: UInt64(0x5A5A), toByteOffset: 0, as: UInt64.self)
            return buffer.load(as: UInt64.self) == 0x5A5A
        }
        #expect(wrote)
        try ring.unregisterBuffers()
        #expect(ring.withRegisteredBuffer(0) { $0 == nil })
    }
}
