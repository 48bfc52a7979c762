import Foundation
import Glibc
import IoUring
import Testing

/// The command payload a modelled driver reads: 16 bytes, fits a 64-byte SQE's command area.
struct ModelCommand: BitwiseCopyable, Equatable {
    var lba: UInt64
    var blocks: UInt32
    var tag: UInt32
}

@Suite("The seed's flow: a driver's view of a uring_cmd, and where done(ret, res2) arrives")
struct SeedFlowTests {
    @Test("UringCommand over caller-owned memory: sqe → cmd_data<T> (the Rust cmd.sqe().cmd_data::<T>()) and pdu")
    func driverView() throws {
        var request = SubmissionQueueEntry()
        request.prepareCommand(fd: 4, operation: 0xC0DE, userData: 7)
        let payload = ModelCommand(lba: 0x1234_5678_9ABC, blocks: 8, tag: 77)
        try request.writeCommand(payload)
        try UringCommand.withModel(of: request) { cmd in
            #expect(cmd.commandOperation == 0xC0DE)
            let sqe = try #require(cmd.sqe())
            #expect(try sqe.commandData(as: ModelCommand.self) == payload)
            #expect(sqe.entry.userData == 7 && sqe.entry.fd == 4)
            #expect(throws: IoUringError.payloadTooLarge(size: 17, capacity: 16)) { _ = try sqe.commandData(as: InlineArray<17, UInt8>.self) }
            try cmd.writePDU(payload.tag)
            #expect(try cmd.readPDU(as: UInt32.self) == 77)
        }
        // Memory the caller owns: an io_uring_cmd whose sqe field points at a 128-byte SQE.
        let memory = UnsafeMutableRawPointer.allocate(byteCount: io_uring_cmd.size + 128, alignment: 16)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: io_uring_cmd.size + 128)
        var big = SubmissionQueueEntry(size: 128)
        big.prepareCommand(fd: 1, operation: 2, userData: 3)
        let wide = InlineArray<10, UInt64> { UInt64($0) &* 0x0101_0101 }
        try big.writeCommand(wide)
        memory.storeBytes(of: big.sqe, toByteOffset: io_uring_cmd.size, as: io_uring_sqe.self)
        try big.withCommandArea { area in
            UnsafeMutableRawBufferPointer(start: memory + io_uring_cmd.size + io_uring_sqe.cmd_offset, count: 80).copyMemory(from: UnsafeRawBufferPointer(area))
        }
        let cmd = UringCommand(raw: memory)
        var record = io_uring_cmd()
        record.sqe = UInt64(UInt(bitPattern: memory + io_uring_cmd.size))
        cmd.command = record
        let view = try #require(cmd.sqe(sqe128: true))
        #expect(try view.commandData(as: InlineArray<10, UInt64>.self)[9] == wide[9])
        #expect(try view.entry.readCommand(as: InlineArray<10, UInt64>.self)[0] == wide[0])
    }

    @Test("done(ret, res2) on the live kernel: a socket uring_cmd's ret is the CQE res; with CQE32 big_cqe[0] carries res2 (0 for sockets)")
    func doneMapping() throws {
        guard let ring = try openRing(flags: [.cqe32]) else { return }
        let (client, server) = try tcpPair()
        defer { close(client); close(server) }
        #expect(write(client, "seven b", 7) == 7)
        usleep(20_000)
        var outq: Int32 = -1
        #expect(ioctl(client, UInt(TIOCOUTQ), &outq) == 0)
        #expect(ring.prepare { $0.prepareCommand(fd: server, operation: UInt32(io_uring_socket_op.SOCKET_URING_OP_SIOCINQ.rawValue), userData: 1) })
        #expect(ring.prepare { $0.prepareCommand(fd: client, operation: UInt32(io_uring_socket_op.SOCKET_URING_OP_SIOCOUTQ.rawValue), userData: 2) })
        #expect(ring.prepare { $0.prepareCommand(fd: server, operation: 0x7777, userData: 3) })
        try ring.submitAndWait(3)
        let all = try collect(ring, 3)
        #expect(all.map(\.userData) == [1, 2, 3])
        #expect(all[0].res == 7, "SIOCINQ's ret")
        #expect(all[1].res == outq, "SIOCOUTQ's ret equals ioctl(TIOCOUTQ)")
        #expect(all[2].result == .failure(KernelErrno(rawValue: EOPNOTSUPP)), "an unknown cmd_op's ret is -EOPNOTSUPP")
        #expect(all.allSatisfy { $0.res2 == 0 && $0.extra.count == 2 })
    }
}

@Suite("AsyncIoUring releases what it owns")
struct AsyncLeakTests {
    @Test("ten async rings, shut down: the process's fd count returns to where it was")
    func noFDLeak() async throws {
        guard try openRing() != nil else { return }
        // Only io_uring descriptors count (a leaked AsyncIoUring leaks its ring): the other test suites in
        // this process open pipes and files all the time, and the concurrency runtime opens an eventfd of
        // its own the first time it needs one.
        func fdCount() -> Int {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return fds.filter { fd in
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd)) ?? ""
                return target == "anon_inode:[io_uring]"
            }.count
        }
        let before = fdCount()
        for _ in 0..<10 {
            let ring = try AsyncIoUring(entries: 8)
            #expect(try await ring.nop().res == 0)
            ring.shutdown()
        }
        // Other io_uring tests run in parallel and open and close rings too, so allow fewer, never more
        // (ten leaked rings would be ten more); wait for theirs to close.
        var after = fdCount()
        for _ in 0..<3000 where after > before {
            try await Task.sleep(for: .milliseconds(10))
            after = fdCount()
        }
        #expect(after <= before)
    }
}
