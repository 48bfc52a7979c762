// One workload per run: `IoUringBench WORKLOAD OPS [FILE]`, printing one line
// `WORKLOAD ops=N wall_ns=W user_us=U sys_us=S mallocs=M` measured around the steady-state loop
// (after a warm-up). WORKLOAD: nop1, nop32, read4k (batch 1), read4k32 (batch 32).
import Glibc
import IoUring

typealias Counter = @convention(c) () -> UInt64

/// The malloc counter that bench.sh preloads (0 when it is absent).
func mallocs() -> UInt64 {
    guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "bench_malloc_count") else { return 0 }
    return unsafeBitCast(sym, to: Counter.self)()
}

func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func cpu() -> (user: Int, sys: Int) {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return (u.ru_utime.tv_sec * 1_000_000 + u.ru_utime.tv_usec, u.ru_stime.tv_sec * 1_000_000 + u.ru_stime.tv_usec)
}

func fail(_ message: String) -> Never {
    let line = "IoUringBench: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

let args = CommandLine.arguments
guard args.count >= 3, let ops = Int(args[2]), ops > 0 else { fail("usage: IoUringBench nop1|nop32|read4k|read4k32 OPS [FILE]") }
let workload = args[1]
let batch = workload.hasSuffix("32") ? 32 : 1
let isRead = workload.hasPrefix("read")
var fd: Int32 = -1
var fileBlocks = 0
if isRead {
    guard args.count >= 4 else { fail("read workloads need a FILE") }
    fd = open(args[3], O_RDONLY)
    guard fd >= 0 else { fail("cannot open \(args[3])") }
    fileBlocks = Int(lseek(fd, 0, SEEK_END)) / 4096
    guard fileBlocks > 0 else { fail("\(args[3]) is shorter than 4 KiB") }
}
/// The ring, the buffers and the loop: one instance per run.
final class Bench {
    let ring: IoUringRing
    let buffers = UnsafeMutableRawPointer.allocate(byteCount: 4096 * 32, alignment: 4096)
    let batch: Int
    let isRead: Bool
    let fd: Int32
    let fileBlocks: Int
    var checksum: UInt64 = 0
    var block = 0

    init(batch: Int, isRead: Bool, fd: Int32, fileBlocks: Int) {
        do { ring = try IoUringRing(entries: 64) } catch { fail("\(error)") }
        self.batch = batch
        self.isRead = isRead
        self.fd = fd
        self.fileBlocks = fileBlocks
    }

    func runBatches(_ count: Int) {
        var done = 0
        while done < count {
            for i in 0..<batch {
                let ok: Bool
                if isRead {
                    let offset = UInt64(block) * 4096
                    block = block + 1 == fileBlocks ? 0 : block + 1
                    let buffer = buffers + i * 4096
                    let fd = fd
                    ok = ring.prepareInPlace { $0.prepareRead(fd: fd, buffer: buffer, count: 4096, offset: offset, userData: UInt64(i)) }
                } else {
                    ok = ring.prepareInPlace { $0.prepareNop(userData: UInt64(i)) }
                }
                if !ok { fail("submission queue full") }
            }
            do { try ring.submitAndWait(UInt32(batch)) } catch { fail("\(error)") }
            var got = 0
            var sum = checksum
            while got < batch {
                got += ring.reapCompletions { c in
                    if c.res < 0 { fail("completion failed: \(c.res)") }
                    sum &+= UInt64(c.res) &+ c.userData
                }
            }
            checksum = sum
            done += batch
        }
    }
}

let bench = Bench(batch: batch, isRead: isRead, fd: fd, fileBlocks: fileBlocks)
bench.runBatches(max(ops / 10, batch))
let m0 = mallocs()
let c0 = cpu()
let t0 = now()
bench.runBatches(ops)
let t1 = now()
let c1 = cpu()
let m1 = mallocs()
print("\(workload) total_mallocs=\(mallocs()) ops=\(ops) wall_ns=\(t1 - t0) user_us=\(c1.user - c0.user) sys_us=\(c1.sys - c0.sys) mallocs=\(m1 - m0) checksum=\(bench.checksum)")
