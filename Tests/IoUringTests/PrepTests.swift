import Foundation
import Glibc
import IoUring
import Testing

@Suite("Prepare helpers on the running kernel")
struct PrepTests {
    @Test("openat, writev, fsync, readv, statx, close: each result agrees with the file")
    func fileOps() throws {
        guard let ring = try openRing() else { return }
        let path = NSTemporaryDirectory() + "abigen-prep-\(UUID().uuidString)"
        defer { unlink(path) }
        let fd: Int32 = try path.withCString { p in
            #expect(ring.prepare { $0.prepareOpenat(directory: AT_FDCWD, path: p, flags: O_RDWR | O_CREAT, mode: 0o600, userData: 1) })
            try ring.submitAndWait(1)
            return try ring.waitCompletion().get()
        }
        #expect(fd >= 0)
        let a = Array("hello, ".utf8), b = Array("vectored world".utf8)
        var back = [UInt8](repeating: 0, count: a.count + b.count)
        try a.withUnsafeBytes { pa in
            try b.withUnsafeBytes { pb in
                let iov = [iovec(iov_base: UnsafeMutableRawPointer(mutating: pa.baseAddress), iov_len: pa.count),
                           iovec(iov_base: UnsafeMutableRawPointer(mutating: pb.baseAddress), iov_len: pb.count)]
                try iov.withUnsafeBufferPointer { v in
                    #expect(ring.prepare { $0.prepareWritev(fd: fd, iovecs: v.baseAddress!, count: 2, offset: 0, userData: 2); $0.flags = .ioLink })
                    #expect(ring.prepare { $0.prepareFsync(fd: fd, dataOnly: true, userData: 3) })
                    try ring.submitAndWait(2)
                    #expect(try collect(ring, 2).map(\.res) == [Int32(a.count + b.count), 0])
                }
            }
        }
        try back.withUnsafeMutableBytes { buf in
            var iov = [iovec(iov_base: buf.baseAddress, iov_len: 5), iovec(iov_base: buf.baseAddress! + 5, iov_len: buf.count - 5)]
            try iov.withUnsafeMutableBufferPointer { v in
                #expect(ring.prepare { $0.prepareReadv(fd: fd, iovecs: v.baseAddress!, count: 2, offset: 0, userData: 4) })
                try ring.submitAndWait(1)
                #expect(try ring.waitCompletion().res == Int32(buf.count))
            }
        }
        #expect(back == a + b)
        // struct statx: stx_size is the u64 at offset 40 (statx(2)); ask for STATX_SIZE (0x200).
        let statx = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 8)
        defer { statx.deallocate() }
        try path.withCString { p in
            #expect(ring.prepare { $0.prepareStatx(directory: AT_FDCWD, path: p, flags: 0, mask: 0x200, buffer: statx, userData: 5) })
            try ring.submitAndWait(1)
            #expect(try ring.waitCompletion().res == 0)
        }
        #expect(statx.load(fromByteOffset: 40, as: UInt64.self) == UInt64(a.count + b.count))
        #expect(ring.prepare { $0.prepareClose(fd: fd, userData: 6) })
        try ring.submitAndWait(1)
        #expect(try ring.waitCompletion().res == 0)
        #expect(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "the ring closed the fd")
    }

    @Test("accept, connect, send, recv, sendmsg, recvmsg over loopback TCP")
    func socketOps() throws {
        guard let ring = try openRing() else { return }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                _ = bind(listener, sa, len); _ = listen(listener, 4); _ = getsockname(listener, sa, &len)
            }
        }
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        #expect(ring.prepare { $0.prepareAccept(fd: listener, userData: 1) })
        try withUnsafePointer(to: &addr) { p in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                #expect(ring.prepare { $0.prepareConnect(fd: client, address: sa, length: len, userData: 2) })
                try ring.submitAndWait(2)
            }
        }
        let both = try collect(ring, 2)
        #expect(both.count == 2 && both[1].res == 0)
        let server = try #require(both.first?.res)
        #expect(server >= 0)
        defer { close(server) }
        let message = Array("through send and recv".utf8)
        var received = [UInt8](repeating: 0, count: 64)
        try message.withUnsafeBytes { m in
            try received.withUnsafeMutableBytes { r in
                #expect(ring.prepare { $0.prepareSend(fd: client, buffer: m.baseAddress!, count: UInt32(m.count), userData: 3) })
                #expect(ring.prepare { $0.prepareRecv(fd: server, buffer: r.baseAddress!, count: 64, userData: 4) })
                try ring.submit()
                #expect(try collect(ring, 2).map(\.res) == [Int32(m.count), Int32(m.count)])
            }
        }
        #expect(Array(received.prefix(message.count)) == message)
        // sendmsg / recvmsg with one iovec each.
        let second = Array("and through msghdr".utf8)
        var inbox = [UInt8](repeating: 0, count: 64)
        try second.withUnsafeBytes { s in
            try inbox.withUnsafeMutableBytes { inb in
                var out = iovec(iov_base: UnsafeMutableRawPointer(mutating: s.baseAddress), iov_len: s.count)
                var inn = iovec(iov_base: inb.baseAddress, iov_len: inb.count)
                try withUnsafeMutablePointer(to: &out) { op in
                    try withUnsafeMutablePointer(to: &inn) { ip in
                        var sendHdr = msghdr(); sendHdr.msg_iov = op; sendHdr.msg_iovlen = 1
                        var recvHdr = msghdr(); recvHdr.msg_iov = ip; recvHdr.msg_iovlen = 1
                        try withUnsafeMutablePointer(to: &sendHdr) { sh in
                            try withUnsafeMutablePointer(to: &recvHdr) { rh in
                                #expect(ring.prepare { $0.prepareSendmsg(fd: client, message: sh, userData: 5) })
                                #expect(ring.prepare { $0.prepareRecvmsg(fd: server, message: rh, userData: 6) })
                                try ring.submit()
                                #expect(try collect(ring, 2).map(\.res) == [Int32(s.count), Int32(s.count)])
                            }
                        }
                    }
                }
            }
        }
        #expect(Array(inbox.prefix(second.count)) == second)
    }

    @Test("multishot poll posts a CQE per readiness with IORING_CQE_F_MORE; POLL_REMOVE ends it")
    func poll() throws {
        guard let ring = try openRing() else { return }
        let (r, w) = try makePipe()
        defer { close(r); close(w) }
        #expect(ring.prepare { $0.preparePollAdd(fd: r, events: UInt32(POLLIN), multishot: true, userData: 40) })
        try ring.submit()
        var byte: UInt8 = 1
        for _ in 0..<2 {
            #expect(write(w, &byte, 1) == 1)
            let c = try #require(try ring.waitCompletion(timeout: .seconds(5)))
            #expect(c.userData == 40 && c.res & Int32(POLLIN) != 0 && c.completionFlags.contains(.more))
            #expect(read(r, &byte, 1) == 1)
        }
        #expect(ring.prepare { $0.preparePollRemove(target: 40, userData: 41) })
        try ring.submit()
        let end = try collect(ring, 2)
        #expect(end.map(\.userData) == [40, 41])
        #expect(end.first?.res == -ECANCELED && end.first?.hasMore == false)
        #expect(end.last?.res == 0)
    }
}

@Suite("In-place preparation")
struct InPlaceTests {
    @Test("prepareInPlace fills the slot itself: NOP, read and URING_CMD complete; a full queue runs no body; SQE128 second halves are zeroed")
    func inPlace() throws {
        for flags in [SetupFlags(), .sqe128] {
            guard let ring = try openRing(entries: 4, flags: flags) else { return }
            let content = Array("in place".utf8)
            let path = try tempFile(content)
            defer { unlink(path) }
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            let (client, server) = try tcpPair()
            defer { close(client); close(server) }
            #expect(write(client, "xy", 2) == 2)
            usleep(20_000)
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
            defer { buffer.deallocate() }
            #expect(ring.prepareInPlace { $0.prepareNop(userData: 1) })
            #expect(ring.prepareInPlace { $0.prepareRead(fd: fd, buffer: buffer, count: 16, offset: 0, userData: 2) })
            #expect(ring.prepareInPlace { $0.prepareCommand(fd: server, operation: UInt32(io_uring_socket_op.SOCKET_URING_OP_SIOCINQ.rawValue), userData: 3) })
            #expect(ring.prepareInPlace { $0.prepareNop(userData: 4); $0.flags = SQEFlags.ioDrain.rawValue })
            var ran = false
            #expect(!ring.prepareInPlace { _ in ran = true })
            #expect(!ran)
            try ring.submitAndWait(4)
            let all = try collect(ring, 4)
            #expect(all.map(\.userData) == [1, 2, 3, 4])
            #expect(all.map(\.res) == [0, Int32(content.count), 2, 0])
            #expect(Array(UnsafeRawBufferPointer(start: buffer, count: content.count)) == content)
        }
    }
}
