import CIoUringSys
import Foundation
import Glibc
import IoUring
import Testing

/// A pipe: (read end, write end).
func makePipe() throws -> (Int32, Int32) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw IoUringError.system(call: "pipe", errno: errno) }
    return (fds[0], fds[1])
}

/// A temporary file holding `content`; returns its path.
func tempFile(_ content: [UInt8]) throws -> String {
    let path = NSTemporaryDirectory() + "abigen-ring-\(UUID().uuidString)"
    try Data(content).write(to: URL(fileURLWithPath: path))
    return path
}

/// Every completion until `count` arrived or 5 s passed, sorted by user_data.
func collect(_ ring: IoUringRing, _ count: Int) throws -> [CompletionQueueEntry] {
    var all: [CompletionQueueEntry] = []
    while all.count < count, let c = try ring.waitCompletion(timeout: .seconds(5)) { all.append(c) }
    return all.sorted { $0.userData < $1.userData }
}

@Suite("Setup, waiting, linking, cancel, registration")
struct SetupTests {
    @Test("SINGLE_ISSUER + DEFER_TASKRUN, COOP_TASKRUN + TASKRUN_FLAG: each flag reaches the kernel and NOPs complete",
          arguments: [SetupFlags([.singleIssuer, .deferTaskrun]), [.coopTaskrun, .taskrunFlag], [.sqe128, .cqe32, .singleIssuer]])
    func setupFlags(_ flags: SetupFlags) throws {
        guard let ring = try openRing(flags: flags) else { return }
        #expect(ring.params.flags & flags.rawValue == flags.rawValue)
        for i in 0..<4 { #expect(ring.prepare { $0.prepareNop(userData: UInt64(i)) }) }
        try ring.submitAndWait(4)
        #expect(try collect(ring, 4).map(\.userData) == [0, 1, 2, 3])
    }

    @Test("R_DISABLED: submitting fails with EBADFD until IORING_REGISTER_ENABLE_RINGS")
    func disabled() throws {
        guard let ring = try openRing(flags: .disabled) else { return }
        #expect(ring.prepare { $0.prepareNop(userData: 1) })
        #expect(throws: IoUringError.system(call: "io_uring_enter", errno: EBADFD)) { try ring.submit() }
        try ring.enable()
        try ring.submitAndWait(1)
        #expect(try ring.waitCompletion().userData == 1)
    }

    @Test("SQPOLL with an idle time and a CPU (IORING_SETUP_SQ_AFF)")
    func sqPollCPU() throws {
        guard let ring = try openRing(flags: .sqPoll, sqThreadIdle: 5) else { return }
        #expect(ring.params.flags & IORING_SETUP_SQ_AFF == 0)
        let pinned = try IoUringRing(entries: 8, flags: .sqPoll, sqThreadIdle: 5, sqThreadCPU: 0)
        #expect(pinned.params.flags & IORING_SETUP_SQ_AFF != 0 && pinned.params.sq_thread_cpu == 0)
        #expect(pinned.prepare { $0.prepareNop(userData: 77) })
        try pinned.submit()
        #expect(try pinned.waitCompletion(timeout: .seconds(5))?.userData == 77)
    }

    @Test("waiting with a timeout returns nil instead of hanging; IORING_OP_TIMEOUT completes with -ETIME")
    func timeouts() throws {
        guard let ring = try openRing() else { return }
        #expect(try ring.waitCompletion(timeout: .milliseconds(20)) == nil)
        #expect(ring.prepare { $0.prepareTimeout(.milliseconds(10), userData: 11) })
        #expect(ring.prepare { $0.prepareTimeout(.seconds(30), count: 1, userData: 12) })
        #expect(ring.prepare { $0.prepareNop(userData: 13) })
        try ring.submit()
        let all = try collect(ring, 3)
        #expect(all.map(\.userData) == [11, 12, 13])
        #expect(all.first?.res == -ETIME)
        #expect(all.dropFirst().first?.res == 0, "a count-1 timeout is satisfied by a completion")
    }

    @Test("IOSQE_IO_LINK orders a write before a read; an error breaks the chain (-ECANCELED); LINK_TIMEOUT cancels a stuck read")
    func links() throws {
        guard let ring = try openRing() else { return }
        let path = try tempFile([])
        defer { unlink(path) }
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        let text = Array("linked write, then read".utf8)
        var back = [UInt8](repeating: 0, count: text.count)
        try text.withUnsafeBytes { src in
            try back.withUnsafeMutableBytes { dst in
                #expect(ring.prepare {
                    $0.prepareWrite(fd: fd, buffer: src.baseAddress!, count: UInt32(src.count), offset: 0, userData: 1)
                    $0.flags = .ioLink
                })
                #expect(ring.prepare { $0.prepareRead(fd: fd, buffer: dst.baseAddress!, count: UInt32(dst.count), offset: 0, userData: 2) })
                try ring.submit()
                let all = try collect(ring, 2)
                #expect(all.map(\.res) == [Int32(text.count), Int32(text.count)])
            }
        }
        #expect(back == text)
        // A failing head cancels the rest of a soft link.
        #expect(ring.prepare { $0.prepareClose(fd: 999_999, userData: 3); $0.flags = .ioLink })
        #expect(ring.prepare { $0.prepareNop(userData: 4) })
        try ring.submit()
        #expect(try collect(ring, 2).map(\.res) == [-EBADF, -ECANCELED])
        // A hard link runs on regardless.
        #expect(ring.prepare { $0.prepareClose(fd: 999_999, userData: 5); $0.flags = .ioHardlink })
        #expect(ring.prepare { $0.prepareNop(userData: 6) })
        try ring.submit()
        #expect(try collect(ring, 2).map(\.res) == [-EBADF, 0])
        // LINK_TIMEOUT: a read of an empty pipe is cancelled.
        let (r, w) = try makePipe()
        defer { close(r); close(w) }
        var byte: UInt8 = 0
        try withUnsafeMutableBytes(of: &byte) { b in
            #expect(ring.prepare { $0.prepareRead(fd: r, buffer: b.baseAddress!, count: 1, offset: UInt64.max, userData: 7); $0.flags = .ioLink })
            #expect(ring.prepare { $0.prepareLinkTimeout(.milliseconds(10), userData: 8) })
            try ring.submit()
            #expect(try collect(ring, 2).map(\.res) == [-ECANCELED, -ETIME])
        }
    }

    @Test("IORING_OP_ASYNC_CANCEL by user_data and IORING_REGISTER_SYNC_CANCEL both cancel a pending read")
    func cancel() throws {
        guard let ring = try openRing() else { return }
        let (r, w) = try makePipe()
        defer { close(r); close(w) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
        defer { buffer.deallocate() }
        #expect(ring.prepare { $0.prepareRead(fd: r, buffer: buffer, count: 8, offset: UInt64.max, userData: 21) })
        try ring.submit()
        #expect(try ring.waitCompletion(timeout: .milliseconds(10)) == nil, "the read is pending")
        #expect(ring.prepare { $0.prepareCancel(target: 21, userData: 22) })
        try ring.submit()
        let all = try collect(ring, 2)
        #expect(all.map(\.userData) == [21, 22])
        #expect(all.map(\.res) == [-ECANCELED, 0])

        #expect(ring.prepare { $0.prepareRead(fd: r, buffer: buffer, count: 8, offset: UInt64.max, userData: 23) })
        try ring.submit()
        try ring.cancelSynchronously(userData: 23, timeout: .seconds(5))
        #expect(try ring.waitCompletion(timeout: .seconds(5))?.res == -ECANCELED)
        #expect(throws: IoUringError.system(call: "io_uring_register(IORING_REGISTER_SYNC_CANCEL)", errno: ENOENT)) {
            try ring.cancelSynchronously(userData: 23)
        }
    }

    @Test("registered files and buffers: READ_FIXED/WRITE_FIXED through IOSQE_FIXED_FILE")
    func registered() throws {
        guard let ring = try openRing() else { return }
        let content = Array("registered buffer contents".utf8)
        let path = try tempFile(content)
        defer { unlink(path) }
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        try ring.registerFiles([fd])
        try ring.registerBuffers(count: 2, size: 4096)
        try ring.withRegisteredBuffer(0) { b in
            let b = try #require(b)
            #expect(b.count == 4096)
            #expect(ring.prepare { $0.prepareReadFixed(fd: 0, buffer: b.baseAddress!, count: 4096, offset: 0, bufferIndex: 0, userData: 1); $0.flags = .fixedFile })
        }
        try ring.submitAndWait(1)
        #expect(try ring.waitCompletion().res == Int32(content.count))
        ring.withRegisteredBuffer(0) { #expect(Array($0!.prefix(content.count)) == content) }
        ring.withRegisteredBuffer(1) { b in
            b!.copyBytes(from: Array("FIXED".utf8))
            #expect(ring.prepare { $0.prepareWriteFixed(fd: 0, buffer: b!.baseAddress!, count: 5, offset: 0, bufferIndex: 1, userData: 2); $0.flags = .fixedFile })
        }
        try ring.submitAndWait(1)
        #expect(try ring.waitCompletion().res == 5)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("FIXEDtered"))
        ring.withRegisteredBuffer(2) { #expect($0 == nil) }
        try ring.unregisterBuffers()
        try ring.unregisterFiles()
    }

    @Test("URING_CMD on a registered socket (IOSQE_FIXED_FILE); IORING_URING_CMD_FIXED sets uring_cmd_flags and buf_index")
    func uringCmdFixedFile() throws {
        guard let ring = try openRing() else { return }
        let (client, server) = try tcpPair()
        defer { close(client); close(server) }
        #expect(write(client, "12345", 5) == 5)
        usleep(20_000)
        try ring.registerFiles([server])
        #expect(ring.prepare {
            $0.prepareCommand(fd: 0, operation: UInt32(io_uring_socket_op.SOCKET_URING_OP_SIOCINQ.rawValue), userData: 9)
            $0.flags = .fixedFile
        })
        try ring.submitAndWait(1)
        let c = try ring.waitCompletion()
        #expect(c.userData == 9 && c.res == 5)
        var e = SubmissionQueueEntry()
        e.prepareCommand(fd: 0, operation: 1, userData: 1)
        e.useRegisteredBuffer(3)
        // Offsets from the C compiler's view, via the generated table (uring_cmd_flags at 28, buf_index at 40).
        let bytes = withUnsafeBytes(of: e.sqe.storage) { Array($0) }
        #expect(io_uring_sqe.offset(of: "uring_cmd_flags") == 28 && io_uring_sqe.offset(of: "buf_index") == 40)
        #expect(bytes[28] == UInt8(IORING_URING_CMD_FIXED) && bytes[40] == 3)
    }

    @Test("probe: IORING_OP_URING_CMD and the basics are supported, an opcode past the kernel's last is not")
    func probe() throws {
        guard let ring = try openRing() else { return }
        let ops = try ring.supportedOperations()
        #expect(ops.contains(.IORING_OP_NOP) && ops.contains(.IORING_OP_READ))
        #expect(ring.supports(.IORING_OP_URING_CMD))
        #expect(!ring.supports(io_uring_op(rawValue: 255)))
        #expect(ops.count >= 47)
    }

    @Test("an eventfd registered with the ring is signalled by completions")
    func eventFD() throws {
        guard let ring = try openRing() else { return }
        let efd = ciouring_eventfd(0, O_NONBLOCK | O_CLOEXEC)
        try #require(efd >= 0)
        defer { close(efd) }
        try ring.registerEventFD(efd)
        var count: UInt64 = 0
        #expect(read(efd, &count, 8) == -1 && errno == EAGAIN)
        #expect(ring.prepare { $0.prepareNop(userData: 1) })
        try ring.submitAndWait(1)
        #expect(read(efd, &count, 8) == 8 && count >= 1)
        try ring.unregisterEventFD()
    }

    @Test("opcodes print their C names, in errors too; results are typed (count or errno); CQE flags are an option set")
    func names() throws {
        #expect("\(io_uring_op.IORING_OP_URING_CMD)" == "IORING_OP_URING_CMD")
        #expect("\(io_uring_op(rawValue: 200))" == "IORING_OP_200")
        #expect(IoUringError.invalidOpcode(.IORING_OP_NOP).description.contains("opcode IORING_OP_NOP is not"))
        let bad = CompletionQueueEntry(userData: 1, res: -EBADF, flags: IORING_CQE_F_MORE)
        #expect(bad.result == .failure(KernelErrno(rawValue: EBADF)))
        #expect(throws: KernelErrno(rawValue: EBADF)) { try bad.get() }
        #expect(bad.completionFlags == .more && bad.hasMore)
        #expect(CompletionQueueEntry(userData: 1, res: 7, flags: 0).result == .success(7))
    }
}

@Suite("Registration errors name the operation")
struct RegisterErrorTests {
    @Test("enabling a ring that is not disabled is EBADFD, reported as io_uring_register(IORING_REGISTER_ENABLE_RINGS)")
    func enableTwice() throws {
        guard let ring = try openRing() else { return }
        #expect(throws: IoUringError.system(call: "io_uring_register(IORING_REGISTER_ENABLE_RINGS)", errno: EBADFD)) { try ring.enable() }
    }
}

@Suite("Registered buffers refuse bad requests")
struct RegisterBufferTests {
    @Test("zero buffers is EINVAL, a second registration is EBUSY, unregistering twice is harmless")
    func badBufferRequests() throws {
        guard let ring = try openRing() else { return }
        #expect(throws: IoUringError.system(call: "io_uring_register(IORING_REGISTER_BUFFERS)", errno: EINVAL)) { try ring.registerBuffers(count: 0, size: 4096) }
        #expect(throws: IoUringError.system(call: "io_uring_register(IORING_REGISTER_BUFFERS)", errno: EINVAL)) { try ring.registerBuffers(count: 1, size: 0) }
        #expect(throws: IoUringError.system(call: "io_uring_register(IORING_REGISTER_BUFFERS)", errno: EOVERFLOW)) { try ring.registerBuffers(count: 2, size: Int.max) }
        try ring.registerBuffers(count: 1, size: 100)
        ring.withRegisteredBuffer(0) { #expect($0?.count == 100) }
        #expect(throws: IoUringError.system(call: "io_uring_register(IORING_REGISTER_BUFFERS)", errno: EBUSY)) { try ring.registerBuffers(count: 1, size: 100) }
        try ring.unregisterBuffers()
        try ring.unregisterBuffers()
        ring.withRegisteredBuffer(0) { #expect($0 == nil) }
    }
}
