import Foundation
import Testing

/// abigen must accept every snapshot it writes: generate, then read it back through every command that loads snapshots.
@Suite("Snapshots abigen writes are snapshots abigen reads")
struct RoundTripTests {
    @Test("a bitfield of unnamed enum type: the snapshot reads back (diff, verify) and verifies with 0 mismatches")
    func unnamedEnumBitfield() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let headers = Repo.root + "/Fixtures/headers/roundtrip"
        let gen = try abigen(["--headers", headers, "--header", "anon_enum_bitfield.h", "--preset", "none",
                              "--format", "json", "-o", dir + "/a.json"])
        #expect(gen.status == 0, "\(gen.stderr)")
        let diff = try abigen(["diff", dir + "/a.json", dir + "/a.json"])
        #expect(diff.status == 0, "\(diff.stderr)")
        let verify = try abigen(["verify", "--snapshot", dir + "/a.json", "--headers", headers])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains(": 0 mismatches"), "\(verify.stdout)")
    }

    @Test("the same record read from BTF (clang -target bpf): `enum <unnamed>` bitfields read back and diff cleanly")
    func unnamedEnumBitfieldFromBTF() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = Repo.root + "/Fixtures/headers/roundtrip/anon_enum_bitfield.h"
        let cc = try runProcess("clang", ["-x", "c", "-g", "-target", "bpf", "-c", source, "-o", dir + "/a.o"])
        #expect(cc.status == 0, "\(cc.stderr)")
        let gen = try abigen(["--btf", dir + "/a.o", "--preset", "none", "--format", "json", "-o", dir + "/b.json"])
        #expect(gen.status == 0, "\(gen.stderr)")
        let json = try String(contentsOfFile: dir + "/b.json", encoding: .utf8)
        #expect(json.contains("enum <unnamed>"), "the BTF spelling this test is about")
        let diff = try abigen(["diff", dir + "/b.json", dir + "/b.json"])
        #expect(diff.status == 0, "\(diff.stderr)")
    }
}
