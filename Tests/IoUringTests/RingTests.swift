import Foundation
import Glibc
import IoUring
import Testing

/// Opens a ring, or says why the kernel refused io_uring (the only reason a test may skip).
func openRing(entries: UInt32 = 8, flags: SetupFlags = [], cqEntries: UInt32? = nil, sqThreadIdle: UInt32? = nil) throws -> IoUringRing? {
    let result = Result { () throws(IoUringError) -> IoUringRing in try IoUringRing(entries: entries, flags: flags, cqEntries: cqEntries, sqThreadIdle: sqThreadIdle) }
    switch result {
    case .success(let ring):
        return ring
    case .failure(let e):
        guard e.errno == ENOSYS || e.errno == EPERM else { throw e }
        print("SKIPPED: io_uring_setup refused by this kernel: \(e)")
        return nil
    }
}

/// The running kernel's (major, minor), from uname(2).
func kernelVersion() -> (Int, Int) {
    var u = utsname()
    uname(&u)
    let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
    return (parts.first ?? 0, parts.dropFirst().first ?? 0)
}

/// True when the running kernel is at least `major.minor`.
func kernelAtLeast(_ major: Int, _ minor: Int) -> Bool {
    let (a, b) = kernelVersion()
    return (a, b) >= (major, minor)
}

/// A connected TCP pair on loopback (sockets support URING_CMD's SIOCINQ and GETSOCKOPT).
func tcpPair() throws -> (client: Int32, server: Int32) {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &addr) { p in
        try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            guard bind(listener, sa, len) == 0, listen(listener, 1) == 0, getsockname(listener, sa, &len) == 0 else {
                throw IoUringError.system(call: "bind/listen", errno: errno)
            }
        }
    }
    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try withUnsafePointer(to: &addr) { p in
        try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            guard connect(client, sa, len) == 0 else { throw IoUringError.system(call: "connect", errno: errno) }
        }
    }
    let server = accept(listener, nil, nil)
    close(listener)
    return (client, server)
}

@Suite("IoUring on the running kernel")
struct RingTests {
    @Test("IORING_OP_NOP completes with res 0 and the SQE's user_data")
    func nop() throws {
        guard let ring = try openRing() else { return }
        for i in 0..<3 { #expect(ring.prepare { $0.prepareNop(userData: 0xABCD_0000 + UInt64(i)) }) }
        #expect(try ring.submit(waitFor: 3) == 3)
        let cqes = (0..<3).compactMap { _ in ring.popCompletion() }
        #expect(cqes.map(\.userData).sorted() == [0xABCD_0000, 0xABCD_0001, 0xABCD_0002])
        #expect(cqes.allSatisfy { $0.res == 0 })
        #expect(ring.popCompletion() == nil)
    }

    @Test("IORING_OP_READ of a temporary file returns its bytes")
    func readFile() throws {
        guard let ring = try openRing() else { return }
        let path = NSTemporaryDirectory() + "abigen-ring-\(UUID().uuidString)"
        let content = Array("abigen reads this file through io_uring\n".utf8)
        try Data(content).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        try buffer.withUnsafeMutableBytes { b in
            #expect(ring.prepare { $0.prepareRead(fd: fd, buffer: b.baseAddress!, count: 64, offset: 7, userData: 42) })
            try ring.submit(waitFor: 1)
        }
        let cqe = try ring.waitCompletion()
        #expect(cqe.userData == 42)
        #expect(cqe.res == Int32(content.count - 7))
        #expect(Array(buffer[0..<(content.count - 7)]) == Array(content[7...]))
    }

    @Test("a bad fd is answered by the kernel with -EBADF in the CQE")
    func badFD() throws {
        guard let ring = try openRing() else { return }
        var buffer = [UInt8](repeating: 0, count: 8)
        try buffer.withUnsafeMutableBytes { b in
            #expect(ring.prepare { $0.prepareRead(fd: 987_654, buffer: b.baseAddress!, count: 8, offset: 0, userData: 7) })
            try ring.submit(waitFor: 1)
        }
        let cqe = try ring.waitCompletion()
        #expect(cqe.userData == 7 && cqe.res == -EBADF)
    }

    @Test("URING_CMD SOCKET_URING_OP_SIOCINQ equals the bytes queued (ioctl FIONREAD)")
    func siocinq() throws {
        guard let ring = try openRing() else { return }
        let (client, server) = try tcpPair()
        defer { close(client); close(server) }
        let message = Array("twenty-one bytes here".utf8)
        #expect(write(client, message, message.count) == message.count)
        usleep(20_000)
        var queued: Int32 = 0
        #expect(ioctl(server, UInt(FIONREAD), &queued) == 0)
        #expect(ring.prepare { $0.prepareCommand(fd: server, operation: UInt32(io_uring_socket_op.SOCKET_URING_OP_SIOCINQ.rawValue), userData: 1) })
        try ring.submit(waitFor: 1)
        let cqe = try ring.waitCompletion()
        #expect(queued == Int32(message.count))
        #expect(cqe.res == queued, "kernel \(cqe.res), ioctl \(queued)")
    }

    @Test("URING_CMD SOCKET_URING_OP_GETSOCKOPT (level, optname, optlen, optval in union 6) equals getsockopt(2)",
          arguments: [(SOL_SOCKET, SO_RCVBUF), (SOL_SOCKET, SO_TYPE), (SOL_SOCKET, SO_SNDBUF)])
    func getsockoptCommand(_ level: Int32, _ name: Int32) throws {
        guard let ring = try openRing() else { return }
        let (client, server) = try tcpPair()
        defer { close(client); close(server) }
        var expected: Int32 = 0
        var expectedLen = socklen_t(4)
        #expect(getsockopt(server, level, name, &expected, &expectedLen) == 0)
        var value: Int32 = -1
        try withUnsafeMutablePointer(to: &value) { v in
            #expect(ring.prepare {
                $0.prepareCommand(fd: server, operation: UInt32(io_uring_socket_op.SOCKET_URING_OP_GETSOCKOPT.rawValue), userData: 2)
                $0.sqe.level = UInt32(bitPattern: level)
                $0.sqe.optname = UInt32(bitPattern: name)
                $0.sqe.optlen = 4
                $0.sqe.optval = UInt64(UInt(bitPattern: v))
            })
            try ring.submit(waitFor: 1)
        }
        let cqe = try ring.waitCompletion()
        if kernelAtLeast(6, 7) {
            #expect(cqe.res >= 0, "GETSOCKOPT failed: \(cqe.res)")
            #expect(value == expected)
        } else {
            // SOCKET_URING_OP_GETSOCKOPT arrived in 6.7: an older kernel must refuse it, not succeed silently.
            print("NOTE: kernel \(kernelVersion()) predates SOCKET_URING_OP_GETSOCKOPT; CQE res \(cqe.res)")
            #expect(cqe.res == -EOPNOTSUPP || cqe.res == -EINVAL)
            #expect(value == -1, "a refused command must not write optval")
        }
    }

    @Test("SQE128 + CQE32: a URING_CMD through a 128-byte SQE; the payload fills the 80-byte command area")
    func sqe128() throws {
        guard let ring = try openRing(flags: [.sqe128, .cqe32]) else { return }
        #expect(ring.sqeSize == 128 && ring.cqeSize == 32)
        let (client, server) = try tcpPair()
        defer { close(client); close(server) }
        #expect(write(client, "abc", 3) == 3)
        usleep(20_000)
        var sqe = SubmissionQueueEntry(size: ring.sqeSize)
        sqe.prepareCommand(fd: server, operation: UInt32(io_uring_socket_op.SOCKET_URING_OP_SIOCINQ.rawValue), userData: 128)
        #expect(sqe.commandAreaSize == 80)
        // An 80-byte payload: too big for a 64-byte SQE, exactly the command area here.
        typealias Payload = InlineArray<10, UInt64>
        let payload = Payload { UInt64(0x1111_1111_1111_1111) &* UInt64($0 + 1) }
        try sqe.writeCommand(payload)
        // The bytes land at cmd's C offset and run to the very end of the 128-byte slot.
        let copied = UringCommand.withModel(of: sqe) { cmd in
            (0..<10).map { i in cmd.sqe(sqe128: true)!.raw.loadUnaligned(fromByteOffset: io_uring_sqe.cmd_offset + 8 * i, as: UInt64.self) }
        }
        for i in 0..<10 { #expect(copied[i] == payload[i]) }
        #expect(try sqe.readCommand(as: Payload.self)[9] == payload[9])
        #expect(try ring.enqueue(sqe))
        try ring.submit(waitFor: 1)
        let cqe = try ring.waitCompletion()
        #expect(cqe.userData == 128 && cqe.res == 3)
        #expect(cqe.extra.count == 2, "CQE32 carries 16 extra bytes")
    }
}

extension RingTests {
    @Test("CQE32: the kernel's big_cqe words are read from the right bytes (IORING_NOP_CQE32 echoes off and addr)")
    func cqe32Extra() throws {
        guard let ring = try openRing(flags: [.cqe32]) else { return }
        // IORING_NOP_CQE32 (1U << 5) is Linux 6.18 uapi, newer than the generated 6.12 layout, hence typed here.
        let nopCQE32: UInt32 = 1 << 5
        #expect(ring.prepare {
            $0.prepareNop(userData: 32)
            $0.sqe.nop_flags = nopCQE32
            $0.sqe.off = 0x0102_0304_0506_0708
            $0.sqe.addr = 0x1112_1314_1516_1718
        })
        try ring.submitAndWait(1)
        let cqe = try ring.waitCompletion()
        #expect(cqe.userData == 32)
        if kernelAtLeast(6, 18) {
            #expect(cqe.res == 0)
            #expect(cqe.extra == [0x0102_0304_0506_0708, 0x1112_1314_1516_1718])
        } else {
            print("NOTE: kernel \(kernelVersion()) predates IORING_NOP_CQE32; CQE res \(cqe.res)")
            #expect(cqe.res == -EINVAL)
        }
    }

    @Test("SQE slots are 64 bytes, 128 with SQE128; a full submission queue takes no request")
    func slots() throws {
        for (flags, stride) in [(SetupFlags(), io_uring_sqe.size), (SetupFlags.sqe128, 2 * io_uring_sqe.size)] {
            guard let ring = try openRing(entries: 4, flags: flags) else { return }
            #expect(ring.params.sq_entries == 4)
            #expect(ring.sqeSize == stride)
            for i in 0..<4 { #expect(ring.prepare { $0.prepareNop(userData: UInt64(i)) }) }
            var called = false
            #expect(!ring.prepare { _ in called = true }, "the queue holds sq_entries SQEs")
            #expect(!called, "a full queue does not run the body")
            #expect(try ring.submitAndWait(4) == 4)
            #expect(ring.completions().map(\.userData) == [0, 1, 2, 3])
            #expect(ring.prepare { $0.prepareNop(userData: 9) }, "consumed slots are free again")
        }
    }
}

@Suite("Command payload and pdu checks")
struct PayloadTests {
    @Test("reading or writing a payload of a non-URING_CMD SQE is the EINVAL-equivalent")
    func notUringCmd() throws {
        var sqe = SubmissionQueueEntry()
        sqe.prepareNop(userData: 1)
        #expect(throws: IoUringError.invalidOpcode(.IORING_OP_NOP)) { try sqe.readCommand(as: UInt64.self) }
        #expect(throws: IoUringError.invalidOpcode(.IORING_OP_NOP)) { try sqe.writeCommand(UInt8(1)) }
        #expect(IoUringError.invalidOpcode(.IORING_OP_NOP).errno == EINVAL)
    }

    @Test("a payload larger than the command area is the EFAULT-equivalent: 16 bytes in a 64-byte SQE, 80 in a 128-byte one")
    func tooLarge() throws {
        for size in [64, 128] {
            var sqe = SubmissionQueueEntry(size: size)
            sqe.prepareCommand(fd: 3, operation: 9, userData: 1)
            let area = size - io_uring_sqe.cmd_offset
            #expect(sqe.commandAreaSize == area)
            #expect(throws: IoUringError.payloadTooLarge(size: area + 1, capacity: area)) {
                try sqe.writeCommand(InlineArray<1, UInt8>(repeating: 0)) // fits: sanity
                if size == 64 { try sqe.writeCommand(InlineArray<17, UInt8>(repeating: 1)) } else { try sqe.writeCommand(InlineArray<81, UInt8>(repeating: 1)) }
            }
            #expect(IoUringError.payloadTooLarge(size: 1, capacity: 0).errno == EFAULT)
            // The largest payload that fits round-trips, and cmd_op is untouched by it.
            let full = [UInt8](repeating: 0x5A, count: area)
            try sqe.withCommandArea { $0.copyBytes(from: full) }
            #expect(try sqe.withCommandArea { Array($0) } == full)
            #expect(try sqe.readCommand(as: UInt8.self) == 0x5A)
            #expect(sqe.commandOperation == 9 && sqe.fd == 3)
        }
    }

    @Test("io_uring_cmd.pdu holds any T of at most 32 bytes; larger is the EFAULT-equivalent")
    func pdu() throws {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: io_uring_cmd.size, alignment: io_uring_cmd.alignment)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: io_uring_cmd.size)
        let cmd = UringCommand(raw: buffer)
        cmd.commandOperation = 0xC0DE
        cmd.flags = IORING_URING_CMD_FIXED
        typealias State = (tag: UInt64, count: UInt32, blocks: InlineArray<4, UInt32>)
        let state: State = (7, 3, [1, 2, 3, 4])
        try cmd.writePDU(state)
        let back = try cmd.readPDU(as: State.self)
        #expect(back.tag == 7 && back.count == 3 && back.blocks[3] == 4)
        try cmd.writePDU(InlineArray<32, UInt8>(repeating: 9))
        #expect(throws: IoUringError.payloadTooLarge(size: 33, capacity: 32)) { try cmd.writePDU(InlineArray<33, UInt8>(repeating: 9)) }
        #expect(throws: IoUringError.payloadTooLarge(size: 40, capacity: 32)) { _ = try cmd.readPDU(as: InlineArray<5, UInt64>.self) }
        #expect(cmd.commandOperation == 0xC0DE && cmd.flags == IORING_URING_CMD_FIXED, "pdu writes leave cmd_op and flags alone")
    }
}
