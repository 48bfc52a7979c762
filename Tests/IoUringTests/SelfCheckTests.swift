import Foundation
import IoUring
import TestSupport
import Testing

/// `IoUringABI.selfCheck`: the library's generated layouts against BTF the kernel (or clang) wrote.
@Suite struct SelfCheckTests {
    static let vmlinux = "/sys/kernel/btf/vmlinux"

    @Test("the running kernel's BTF: no moved or resized member in the library's layouts")
    func runningKernel() throws {
        guard FileManager.default.isReadableFile(atPath: Self.vmlinux) else {
            print("SelfCheckTests: \(Self.vmlinux) is absent: the running-kernel self-check is skipped")
            return
        }
        let result = IoUringABI.selfCheck(btfPath: Self.vmlinux)
        #expect(result == .matches, "\(result)")
        // The cost, printed for the record (never asserted): the fastest of five calls.
        var best = Duration.seconds(3600)
        for _ in 0..<5 {
            let elapsed = ContinuousClock().measure { _ = IoUringABI.selfCheck(btfPath: Self.vmlinux) }
            best = min(best, elapsed)
        }
        print("SelfCheckTests: IoUringABI.selfCheck on \(Self.vmlinux): \(best) (fastest of 5)")
    }

    @Test("no BTF file: .noBTF, no trap")
    func absent() {
        guard case .noBTF(let reason) = IoUringABI.selfCheck(btfPath: "/nonexistent/vmlinux") else {
            Issue.record("expected .noBTF")
            return
        }
        #expect(reason.contains("/nonexistent/vmlinux"))
    }

    @Test("a malformed BTF file (a directory, a truncated blob, a JSON file): .noBTF naming the file")
    func malformed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("selfcheck-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let truncated = dir.appendingPathComponent("truncated.btf")
        try Data([0x9f, 0xeb, 0x01, 0x00, 0x18, 0x00]).write(to: truncated)
        let json = dir.appendingPathComponent("a.json")
        try Data("{\"records\": []}".utf8).write(to: json)
        for path in [dir.path, truncated.path, json.path] {
            guard case .noBTF(let reason) = IoUringABI.selfCheck(btfPath: path) else {
                Issue.record("\(path): expected .noBTF")
                continue
            }
            #expect(reason.contains(path), "\(reason)")
        }
    }

    @Test("BTF from clang -target bpf with user_data moved and a member resized: each reported; an added member is not")
    func crafted() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("selfcheck-crafted-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The CQE as the library has it (user_data 0+8, res 8+4, flags 12+4, big_cqe 16+0), then altered.
        let source = """
        struct io_uring_cqe { unsigned long long added; int res; unsigned short flags; unsigned short pad; unsigned long long user_data; unsigned long long big_cqe[]; };
        struct io_uring_cqe c;
        """
        let header = dir.appendingPathComponent("cqe.c")
        try Data(source.utf8).write(to: header)
        let object = dir.appendingPathComponent("cqe.o")
        let clang = try runProgram("/usr/bin/env", ["clang", "-g", "-target", "bpf", "-c", header.path, "-o", object.path])
        try #require(clang.status == 0, "clang -target bpf must build the crafted object: \(clang.stderr)")
        let cqe = try #require(IoUringABI.checkedLayouts.first { $0.name == "io_uring_cqe" })
        let result = IoUringABI.selfCheck(btfPath: object.path, layouts: [cqe])
        guard case .differences(let found) = result else {
            Issue.record("expected differences, got \(result)")
            return
        }
        let byField = Dictionary(found.map { ($0.field ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byField["user_data"]?.kernel == "offset 16, size 8")
        #expect(byField["res"] == nil, "res stays at 8+4")
        #expect(byField["flags"]?.kernel == "offset 12, size 2")
        #expect(byField["big_cqe"]?.kernel == "offset 24, size 0")
        #expect(byField[""]?.kernel == "24 bytes", "the record grew from 16 to 24")
        #expect(byField["added"] == nil, "a member the kernel added is fine")
        // The same file with a layout only naming a record it lacks.
        let missing = IoUringABI.Layout(name: "io_uring_params", size: 120, fields: [])
        #expect(IoUringABI.selfCheck(btfPath: object.path, layouts: [missing])
                == .differences([SelfCheckDifference(record: "io_uring_params", field: nil, library: "120 bytes", kernel: "not described")]))
    }
}
