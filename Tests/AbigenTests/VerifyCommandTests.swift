import ABIModel
import Foundation
import Testing

@Suite("abigen verify (command line)")
struct VerifyCommandTests {
    @Test("every io_uring header set and target verifies with 0 mismatches", arguments: [
        ["--headers", "/usr/include"],
        ["--headers", "/usr/include", "--header", "liburing/io_uring.h", "--include", "linux/time_types.h"],
        ["--headers", "/usr/i686-linux-gnu/include", "--target", "i686-linux-gnu"],
        ["--headers", "/usr/aarch64-linux-gnu/include", "--target", "aarch64-linux-gnu"],
        ["--headers", "/usr/arm-linux-gnueabihf/include", "--target", "arm-linux-gnueabihf"],
    ])
    func verifies(_ args: [String]) throws {
        let r = try abigen(["verify"] + args)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let summary = try #require(r.stdout.split(separator: "\n").first)
        #expect(summary.hasPrefix("verified ") && summary.hasSuffix(": 0 mismatches"))
    }

    @Test("kernel trees verify (6.1, 6.12 on x86_64 and i686)", arguments: [("6.1", nil), ("6.12", nil), ("6.12", "i686-linux-gnu")] as [(String, String?)])
    func kernelTrees(_ version: String, _ target: String?) throws {
        let tree = try Repo.kernelTree(version)
        var args = ["verify", "--kernel-tree", tree]
        if let target { args += ["--target", target, "--headers", "/usr/i686-linux-gnu/include"] } else { args += ["--headers", "/usr/include"] }
        let r = try abigen(args)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }

    @Test("a stale snapshot: every moved field is named, exit 1")
    func staleSnapshot() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let v1 = Repo.root + "/Fixtures/headers/v1", v2 = Repo.root + "/Fixtures/headers/v2"
        let base = ["--header", "mini_sqe.h", "--preset", "none", "--macro-prefix", "MINI_"]
        let made = try abigen(["--headers", v1, "--format", "json", "-o", dir + "/v1.json"] + base)
        #expect(made.status == 0, "\(made.stderr)")
        // Against its own headers it is clean…
        #expect(try abigen(["verify", "--snapshot", dir + "/v1.json", "--headers", v1, "--preset", "none"]).status == 0)
        // …against v2 (len widened to 64 bits, an opcode inserted) everything after len moved.
        let r = try abigen(["verify", "--snapshot", dir + "/v1.json", "--headers", v2, "--preset", "none"])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix("mismatches") == true)
        let moved = Set(lines.compactMap { line -> String? in
            guard line.contains(": offset: ") else { return nil }
            return String(line.split(separator: ":")[0].split(separator: ".").last!)
        })
        // The members declared after len in the fixture header: exactly these must be reported as moved.
        let after = ["rw_flags", "poll_events", "user_data", "buf_index", "buf_group", "personality", "file_index", "addr3", "pad2", "cmd"]
        #expect(moved == Set(after))
        #expect(lines.contains { $0.hasPrefix("struct mini_sqe: size: snapshot 64, compiler 72") })
        #expect(lines.contains { $0.hasPrefix("MINI_OP_WRITE: value: snapshot 2, compiler 3") })
        #expect(!lines.contains { $0.contains("MINI_OP_READ:") || $0.contains("mini_sqe.opcode") || $0.contains("mini_sqe.fd:") }, "nothing before len moved")
    }

    @Test("a wrong snapshot (size, constant) is caught; a probe that cannot compile exits 2 with the compiler's error")
    func wrongAndBroken() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try abigen(["--headers", "/usr/include", "--format", "json", "-o", dir + "/abi.json"])
        #expect(made.status == 0)
        var s = try ABISnapshot.load(from: dir + "/abi.json")
        let i = try #require(s.records.firstIndex { $0.name == "io_uring_cqe" })
        s.records[i].size = 24
        let k = try #require(s.constants.firstIndex { $0.name == "IORING_OP_URING_CMD" })
        s.constants[k].value = .unsigned(99)
        try s.jsonData().write(to: URL(fileURLWithPath: dir + "/wrong.json"))
        let r = try abigen(["verify", "--snapshot", dir + "/wrong.json", "--headers", "/usr/include"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("struct io_uring_cqe: size: snapshot 24, compiler 16"))
        #expect(r.stdout.contains("IORING_OP_URING_CMD: value: snapshot 99, compiler 46"))
        #expect(r.stdout.split(separator: "\n").count == 3)

        // A snapshot whose header the compiler cannot find: exit 2 and the compiler's first error.
        s.headers = ["linux/no_such_header.h"]
        s.source = nil   // a snapshot that says it read that header (a recorded source may name only the snapshot's headers)
        try s.jsonData().write(to: URL(fileURLWithPath: dir + "/missing.json"))
        let r2 = try abigen(["verify", "--snapshot", dir + "/missing.json", "--headers", "/usr/include"])
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("no_such_header.h") && r2.stderr.contains("does not compile"), "\(r2.stderr)")
        let r3 = try abigen(["verify", "--headers", "/usr/include", "--cc", "/nonexistent/cc"])
        #expect(r3.status == 2 && r3.stderr.contains("/nonexistent/cc"), "\(r3.stderr)")
    }
}
