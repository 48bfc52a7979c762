import Foundation
import Glibc
import IoUring
import Testing

@Suite("The README and DocC examples compile and run")
struct ReadmeExampleTests {
    @Test("README: GETSOCKOPT through a 128-byte SQE, waited for with a timeout; AsyncIoUring.read")
    func readme() async throws {
        guard try openRing() != nil else { return }
        let (client, socketFD) = try tcpPair()
        defer { close(client); close(socketFD) }
        var value: Int32 = 0
        var expected: Int32 = 0
        var length = socklen_t(4)
        #expect(getsockopt(socketFD, SOL_SOCKET, SO_RCVBUF, &expected, &length) == 0)
        let ret: Int32? = try withUnsafeMutablePointer(to: &value) { valuePointer in
            let ring = try IoUringRing(entries: 8, flags: [.sqe128, .cqe32, .singleIssuer])
            #expect(ring.supports(.IORING_OP_URING_CMD))
            _ = ring.prepare { sqe in
                sqe.prepareCommand(fd: socketFD,
                                   operation: UInt32(io_uring_socket_op.SOCKET_URING_OP_GETSOCKOPT.rawValue),
                                   userData: 1)
                sqe.sqe.level = UInt32(SOL_SOCKET)
                sqe.sqe.optname = UInt32(SO_RCVBUF)
                sqe.sqe.optlen = 4
                sqe.sqe.optval = UInt64(UInt(bitPattern: valuePointer))
            }
            try ring.submit()
            guard let cqe = try ring.waitCompletion(timeout: .seconds(1)) else { return nil }
            #expect(cqe.res2 == 0)
            switch cqe.result {
            case .success(let n): return n
            case .failure(let e): Issue.record("GETSOCKOPT failed: \(e)"); return nil
            }
        }
        #expect(ret != nil)
        #expect(value == expected)

        let content = Array("shared ring".utf8)
        let path = try tempFile(content)
        defer { unlink(path) }
        let fileFD = open(path, O_RDONLY)
        defer { close(fileFD) }
        let shared = try AsyncIoUring(entries: 256)
        let bytes = try await shared.read(fd: fileFD, count: 4096, offset: 0)
        #expect(bytes == content)
    }

    @Test("DocC 'Submitting a uring_cmd': a payload struct through writeCommand, read back by the driver model")
    func uringCmdArticle() throws {
        struct Command: BitwiseCopyable { var lba: UInt64; var blocks: UInt32; var tag: UInt32 }
        guard let ring = try openRing(entries: 64, flags: [.sqe128, .cqe32]) else { return }
        let (client, deviceFD) = try tcpPair()
        defer { close(client); close(deviceFD) }
        let queued = try ring.prepare { sqe in
            sqe.prepareCommand(fd: deviceFD, operation: 0x4242, userData: 42)
            try sqe.writeCommand(Command(lba: 0, blocks: 8, tag: 1))
        }
        #expect(queued)
        try ring.submit()
        let cqe = try #require(try ring.waitCompletion(timeout: .seconds(5)))
        #expect(throws: KernelErrno(rawValue: EOPNOTSUPP)) { try cqe.get() }
        var request = SubmissionQueueEntry(size: 128)
        request.prepareCommand(fd: deviceFD, operation: 0x4242, userData: 42)
        try request.writeCommand(Command(lba: 9, blocks: 8, tag: 1))
        try UringCommand.withModel(of: request) { cmd in
            let payload = try cmd.sqe(sqe128: true)?.commandData(as: Command.self)
            #expect(payload?.lba == 9)
            try cmd.writePDU(payload?.tag ?? 0)
            #expect(try cmd.readPDU(as: UInt32.self) == 1)
        }
    }
}
