import ABIFrontend
import ABIModel
import Foundation
import Testing

/// The lines of a command's standard output.
private func lines(_ s: String) -> [Substring] { s.split(separator: "\n") }

@Suite("abigen verify --compilers (two compilers, their disagreements)")
struct VerifyCompilersTests {
    @Test("host io_uring with clang and gcc: two clean summaries, no disagreement, exit 0")
    func host() throws {
        let r = try abigen(["verify", "--headers", "/usr/include", "--compilers", "clang,gcc"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let out = lines(r.stdout)
        #expect(out.count == 2, "\(r.stdout)")
        #expect(out.first?.hasPrefix("verified ") == true && out.first?.contains(" against clang") == true
            && out.first?.hasSuffix(": 0 mismatches") == true, "\(r.stdout)")
        #expect(out.last?.hasPrefix("verified ") == true && out.last?.contains(" against gcc") == true
            && out.last?.hasSuffix(": 0 mismatches") == true, "\(r.stdout)")
        #expect(!r.stdout.contains("compilers disagree"))
    }

    @Test("s390x (big-endian) io_uring with clang -target and s390x-linux-gnu-gcc: exit 0")
    func s390x() throws {
        guard onPath("s390x-linux-gnu-gcc") else { throw TestSetupError("gcc-s390x-linux-gnu is needed (.ci/packages.sh)") }
        let r = try abigen(["verify", "--headers", "/usr/s390x-linux-gnu/include", "--target", "s390x-linux-gnu",
                            "--compilers", "clang,gcc"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("against clang (s390x-linux-gnu): 0 mismatches\n"), "\(r.stdout)")
        #expect(r.stdout.contains("against s390x-linux-gnu-gcc (s390x-linux-gnu): 0 mismatches\n"), "\(r.stdout)")
        #expect(!r.stdout.contains("compilers disagree"))
    }

    /// The disagreement line abigen matrix prints for m68k, here without the target prefix.
    static let m68kSQE = "compilers disagree: struct io_uring_sqe: alignment: clang (m68k-linux-gnu) 8, m68k-linux-gnu-gcc (m68k-linux-gnu) 2\n"

    @Test("m68k headers with clang and gcc: the SQE's alignment disagreement names both compilers, exit 1")
    func m68kHeaders() throws {
        guard onPath("m68k-linux-gnu-gcc") else { throw TestSetupError("gcc-m68k-linux-gnu is needed (.ci/packages.sh)") }
        let r = try abigen(["verify", "--headers", "/usr/m68k-linux-gnu/include", "--target", "m68k-linux-gnu",
                            "--compilers", "clang,gcc"])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(Self.m68kSQE), "\(r.stdout)")
        // gcc, the kernel's compiler, contradicts the layout libclang gave: a mismatch against gcc, none against clang.
        #expect(r.stdout.contains("against clang (m68k-linux-gnu): 0 mismatches\n"), "\(r.stdout)")
        #expect(!r.stdout.contains("against m68k-linux-gnu-gcc (m68k-linux-gnu): 0 mismatches"), "\(r.stdout)")
        // Without gcc the target stays refused, as generate refuses it.
        let clangOnly = try abigen(["verify", "--headers", "/usr/m68k-linux-gnu/include", "--target", "m68k-linux-gnu",
                                    "--compilers", "clang"])
        #expect(clangOnly.status == 2 && lines(clangOnly.stderr).count == 1, "\(clangOnly.stdout)\(clangOnly.stderr)")
    }

    @Test("an m68k snapshot (libclang's layouts, as the matrix parses them) with clang and gcc: disagreement, exit 1")
    func m68kSnapshot() throws {
        guard onPath("m68k-linux-gnu-gcc") else { throw TestSetupError("gcc-m68k-linux-gnu is needed (.ci/packages.sh)") }
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = HeaderSource(includeDirectories: [.init(path: "/usr/m68k-linux-gnu/include", role: .user)],
                                  headers: ["linux/io_uring.h"], target: "m68k-linux-gnu")
        var po = ParseOptions(source: source, macroPrefixes: ["IORING_", "IOSQE_"])
        po.acceptLayoutsToCorrect = true
        let s = try Frontend.parse(po)
        let sqe = try #require(s.records.first { $0.name == "io_uring_sqe" })
        #expect(sqe.alignment == 8, "libclang's m68k layout, the one gcc contradicts")
        let path = dir + "/m68k.json"
        try s.jsonData().write(to: URL(fileURLWithPath: path))
        let r = try abigen(["verify", "--snapshot", path, "--headers", "/usr/m68k-linux-gnu/include",
                            "--target", "m68k-linux-gnu", "--compilers", "clang,gcc"])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(Self.m68kSQE), "\(r.stdout)")
        #expect(r.stdout.contains("\nstruct io_uring_sqe: alignment: snapshot 8, compiler 2\n"), "gcc contradicts the snapshot: \(r.stdout)")
    }

    @Test("a named compiler that is not installed: one line naming the Debian package, exit 2")
    func missingCompiler() throws {
        // A PATH with clang only: riscv64-linux-gnu-gcc cannot be found whatever this machine has installed.
        let bin = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: bin) }
        try FileManager.default.createSymbolicLink(atPath: bin + "/clang", withDestinationPath: "/usr/bin/clang")
        let r = try runAbigen(["verify", "--headers", "/usr/riscv64-linux-gnu/include", "--target", "riscv64-linux-gnu",
                               "--compilers", "clang,gcc"], environment: ["PATH": bin])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(lines(r.stderr).count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("riscv64-linux-gnu-gcc") && r.stderr.contains("gcc-riscv64-linux-gnu"), "\(r.stderr)")
    }

    @Test("bad --compilers lists and a conflict with --cc: one line, exit 2", arguments: [
        ["--compilers", "clang,icc"], ["--compilers", "clang,clang"], ["--compilers", ""],
        ["--compilers", "clang,gcc", "--cc", "cc"],
    ])
    func badLists(_ extra: [String]) throws {
        let r = try abigen(["verify", "--headers", "/usr/include"] + extra)
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(lines(r.stderr).count == 1, "\(r.stderr)")
    }

    @Test("Documentation/CLI.md holds the help of targets and matrix, and verify's --compilers (regenerate: bash Scripts/regenerate.sh)")
    func cliReference() throws {
        let doc = try String(contentsOfFile: Repo.root + "/Documentation/CLI.md", encoding: .utf8)
        for command in ["targets", "matrix", "verify"] {
            let help = try abigen(["help", command])
            #expect(help.status == 0)
            #expect(doc.contains("## abigen \(command)\n\n```\n" + help.stdout), "Documentation/CLI.md is stale for `abigen help \(command)`")
        }
        #expect(doc.contains("--compilers clang,gcc"))
    }
}
