import ABIModel
import Foundation
import Synchronization
import Testing

@Suite("Targets: every target's io_uring Swift type-checks")
struct TargetsSwiftTests {
    @Test("abigen matrix --swift-dir writes one layout file per target; swiftc -typecheck accepts each")
    func typecheckEveryTarget() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try matrixRows(["--kernel-tree", try Repo.kernelTree("6.12"), "--swift-dir", dir])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == LinuxTarget.all.map { $0.triple + ".swift" }.sorted())
        // Two at a time: the machine has two cores.
        let failureList = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let path = dir + "/" + files[i]
            let r = (try? runProcess("swiftc", ["-swift-version", "6", "-typecheck", path]))
            if r?.status != 0 {
                let line = "\(files[i]): \(r?.stderr.prefix(400) ?? "swiftc did not run")"
                failureList.withLock { $0.append(line) }
            }
        }
        let failures = failureList.withLock { $0 }
        #expect(failures.isEmpty, "\(failures.sorted())")
        // The 32-bit and 64-bit layouts differ where the kernel's do.
        let x32 = try String(contentsOfFile: dir + "/x86_64-linux-gnux32.swift", encoding: .utf8)
        #expect(x32.contains("`struct io_uring_cmd` (include/linux/io_uring/cmd.h): 52 bytes, alignment 4."))
        let s390x = try String(contentsOfFile: dir + "/s390x-linux-gnu.swift", encoding: .utf8)
        #expect(s390x.contains("`struct io_uring_cmd` (include/linux/io_uring/cmd.h): 64 bytes, alignment 8."))
    }
}
