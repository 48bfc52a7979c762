import Foundation
import Glibc
import IoUring
import Testing

@Suite("AsyncIoUring: one owner thread, many tasks")
struct AsyncTests {
    @Test("1,000 concurrent tasks each read their own block of one file through one ring; every result is right",
          arguments: [SetupFlags(), [.singleIssuer, .deferTaskrun]])
    func thousandReaders(_ flags: SetupFlags) async throws {
        let blocks = 1_000, blockSize = 32
        let content: [UInt8] = (0..<blocks).flatMap { i in
            Array(String(format: "block %06d of the test file.........", i).utf8.prefix(blockSize))
        }
        #expect(content.count == blocks * blockSize)
        let path = try tempFile(content)
        defer { unlink(path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        guard try openRing() != nil else { return }
        let ring = try AsyncIoUring(entries: 64, flags: flags)
        let wrong = try await withThrowingTaskGroup(of: Int?.self) { group in
            for i in 0..<blocks {
                group.addTask {
                    let bytes = try await ring.read(fd: fd, count: blockSize, offset: UInt64(i * blockSize))
                    return bytes == Array(content[(i * blockSize)..<((i + 1) * blockSize)]) ? nil : i
                }
            }
            var wrong: [Int] = []
            for try await w in group { if let w { wrong.append(w) } }
            return wrong
        }
        #expect(wrong.isEmpty, "blocks read wrong: \(wrong.prefix(10))")
        ring.shutdown()
    }

    @Test("a multishot request streams every completion; the stream ends with the CQE that lacks IORING_CQE_F_MORE")
    func multishot() async throws {
        let ring = try AsyncIoUring(entries: 8)
        var request = SubmissionQueueEntry()
        request.prepareTimeout(.milliseconds(1), count: 3, flags: IORING_TIMEOUT_MULTISHOT, userData: 0)
        var seen: [CompletionQueueEntry] = []
        for try await c in ring.completions(of: request) { seen.append(c) }
        #expect(seen.count == 3)
        #expect(seen.map(\.hasMore) == [true, true, false])
        #expect(seen.allSatisfy { $0.res == -ETIME })
    }

    @Test("cancelling a task cancels its request in the kernel (-ECANCELED); after shutdown, submit throws ECANCELED")
    func cancellation() async throws {
        let ring = try AsyncIoUring(entries: 8)
        let (r, w) = try makePipe()
        defer { close(r); close(w) }
        let task = Task { try await ring.read(fd: r, count: 8, offset: UInt64.max) }
        try await Task.sleep(for: .milliseconds(20))
        task.cancel()
        await #expect(throws: KernelErrno(rawValue: ECANCELED)) { try await task.value }
        #expect(try await ring.nop().res == 0)
        ring.shutdown()
        await #expect(throws: IoUringError.system(call: "AsyncIoUring.submit", errno: ECANCELED)) { try await ring.nop() }
    }

    @Test("shutdown resumes a waiter whose request is still in flight")
    func shutdownInFlight() async throws {
        let ring = try AsyncIoUring(entries: 8)
        let (r, w) = try makePipe()
        defer { close(r); close(w) }
        let pending = Task { try await ring.read(fd: r, count: 8, offset: UInt64.max) }
        try await Task.sleep(for: .milliseconds(20))
        ring.shutdown()
        // In flight, the kernel cancels it (-ECANCELED in the CQE); on a loaded machine the request may still
        // be queued for the owner, which then fails it with ECANCELED itself. Either way the waiter resumes.
        do {
            _ = try await pending.value
            Issue.record("the pending read completed instead of being cancelled")
        } catch let e as KernelErrno {
            #expect(e == KernelErrno(rawValue: ECANCELED))
        } catch let e as IoUringError {
            #expect(e.errno == ECANCELED, "\(e)")
        }
    }

    @Test("a task cancelled before its request reaches the ring gets -ECANCELED at once (no hang on a read that would block)")
    func cancelledBeforeSubmit() async throws {
        let ring = try AsyncIoUring(entries: 8)
        let (r, w) = try makePipe()
        defer { close(r); close(w) }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ring.read(fd: r, count: 8, offset: UInt64.max)
        }
        await #expect(throws: KernelErrno(rawValue: ECANCELED)) { try await task.value }
        var request = SubmissionQueueEntry()
        request.prepareNop(userData: 0)
        let stream = Task { () -> [Int32] in
            withUnsafeCurrentTask { $0?.cancel() }
            var all: [Int32] = []
            for try await c in ring.completions(of: request) { all.append(c.res) }
            return all
        }
        let results = try await stream.value
        #expect(results == [-ECANCELED] || results == [0])
        ring.shutdown()
    }
}
