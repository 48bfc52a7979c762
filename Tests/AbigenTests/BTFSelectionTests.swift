import ABIModel
import Foundation
import Testing

/// A snapshot made from BTF records what it selected, so `check` and `diff` read the BTF again with the same selection
/// (outside review: `check --baseline` of a `--preset none` kernel snapshot reported 28,624 breaking changes against
/// the same kernel); a comparison with nothing on either side is refused; help names BTF and refuses unknown topics.
@Suite struct BTFSelectionTests {
    static let vmlinux = "/sys/kernel/btf/vmlinux"

    /// BTF objects clang makes (`-g -target bpf`) from small C files, in a scratch directory.
    struct Blobs {
        let dir: String
        /// `struct foo`, `struct bar`, `enum e { E_ONE, E_TWO }` and `enum ring { IORING_A, IORING_B }`.
        var ok: String { dir + "/ok.btf" }
        /// `struct foo` and `struct bar` only: nothing the io_uring preset selects.
        var plain: String { dir + "/plain.btf" }
        /// `struct bar` only.
        var barOnly: String { dir + "/bar.btf" }
    }

    static func blobs() throws -> Blobs {
        let b = Blobs(dir: try Repo.tempDirectory())
        let sources = [
            b.ok: "struct foo { int a; long b; };\nstruct bar { char c; };\nenum e { E_ONE = 1, E_TWO = 2 };\nenum ring { IORING_A = 4, IORING_B = 8 };\nstruct foo f; struct bar g; enum e h; enum ring r;\n",
            b.plain: "struct foo { int a; long b; };\nstruct bar { char c; };\nstruct foo f; struct bar g;\n",
            b.barOnly: "struct bar { char c; };\nstruct bar g;\n",
        ]
        for (object, text) in sources {
            let c = object + ".c"
            try text.write(toFile: c, atomically: true, encoding: .utf8)
            let cc = try runProcess("/usr/bin/env", ["clang", "-g", "-target", "bpf", "-c", c, "-o", object])
            try #require(cc.status == 0, "clang -target bpf: \(cc.stderr)")
        }
        return b
    }

    /// Writes `--btf blob` with `options` as JSON to `dir/name` and returns its path.
    static func save(_ blob: String, _ options: [String], as name: String, in dir: String) throws -> String {
        let out = dir + "/" + name
        let r = try runAbigen(["--btf", blob] + options + ["--format", "json", "-o", out])
        try #require(r.status == 0, "\(options): \(r.stderr)")
        return out
    }

    static func expectClean(_ r: ProcessResult, _ what: String) {
        #expect(r.status == 0, "\(what): status \(r.status): \(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("0 breaking, 0 compatible"), "\(what): \(r.stdout)")
        #expect(!r.stdout.contains("removed"), "\(what): \(r.stdout)")
    }

    @Test("the snapshot records the selection as BTFOptions had it; check --baseline replays it (--record foo: no record-removed; --preset none; the preset)")
    func checkReplaysRecordedSelection() throws {
        let b = try Self.blobs()
        defer { try? FileManager.default.removeItem(atPath: b.dir) }
        let foo = try Self.save(b.ok, ["--record", "foo"], as: "foo.json", in: b.dir)
        let recorded = try ABISnapshot.load(from: foo)
        #expect(recorded.source?.btf?.selection == BTFSource.Selection(records: ["foo"], constantPrefixes: ["IORING_", "IOSQE_", "IO_URING_", "IO_WQ_", "SOCKET_URING_OP_"]))
        Self.expectClean(try runAbigen(["check", "--baseline", foo]), "check --record foo")

        let all = try Self.save(b.ok, ["--preset", "none"], as: "all.json", in: b.dir)
        #expect(try ABISnapshot.load(from: all).source?.btf?.selection == BTFSource.Selection(records: [], constantPrefixes: nil))
        #expect(!(try String(contentsOfFile: all, encoding: .utf8)).contains("constantPrefixes"), "every enumerator: the key is omitted")
        Self.expectClean(try runAbigen(["check", "--baseline", all]), "check --preset none")

        let preset = try Self.save(b.ok, [], as: "preset.json", in: b.dir)
        #expect(try ABISnapshot.load(from: preset).constants.map(\.name) == ["IORING_A", "IORING_B"])
        #expect(try ABISnapshot.load(from: preset).source?.btf?.selection?.records == ["io_uring_*", "io_sqring_offsets", "io_cqring_offsets"])
        Self.expectClean(try runAbigen(["check", "--baseline", preset]), "check, the io_uring preset")

        // Options still say otherwise: the whole BTF against the foo-only baseline adds bar and the enums (compatible).
        let wider = try runAbigen(["check", "--baseline", foo, "--preset", "none"])
        #expect(wider.status == 0 && wider.stdout.contains("bar") && !wider.stdout.contains("0 compatible"), "\(wider.stdout)\(wider.stderr)")
    }

    @Test("a snapshot written before the selection was recorded is replayed with its own records and enums")
    func olderSnapshotFallsBack() throws {
        let b = try Self.blobs()
        defer { try? FileManager.default.removeItem(atPath: b.dir) }
        var s = try ABISnapshot.load(from: try Self.save(b.ok, ["--record", "foo", "--macro-prefix", "E_"], as: "new.json", in: b.dir))
        #expect(s.records.map(\.name) == ["foo"] && s.constants.map(\.name) == ["E_ONE", "E_TWO"])
        s.source = .btf(BTFSource(path: b.ok))
        let old = b.dir + "/old.json"
        try s.jsonData().write(to: URL(fileURLWithPath: old))
        #expect(!(try String(contentsOfFile: old, encoding: .utf8)).contains("selection"))
        Self.expectClean(try runAbigen(["check", "--baseline", old]), "check of a snapshot without a selection")
    }

    @Test("diff and check --btf of a BTF snapshot against a BTF file read the file with the recorded selection: unselected is absent, not removed")
    func diffReadsRecordedSelection() throws {
        let b = try Self.blobs()
        defer { try? FileManager.default.removeItem(atPath: b.dir) }
        let foo = try Self.save(b.ok, ["--record", "foo"], as: "foo.json", in: b.dir)
        Self.expectClean(try runAbigen(["diff", foo, b.ok]), "diff snapshot BTF")
        Self.expectClean(try runAbigen(["diff", b.ok, foo]), "diff BTF snapshot")
        Self.expectClean(try runAbigen(["check", "--baseline", foo, "--btf", b.ok]), "check --btf")
        let all = try Self.save(b.ok, ["--preset", "none"], as: "all.json", in: b.dir)
        Self.expectClean(try runAbigen(["diff", all, b.ok]), "diff, every record recorded")
        // With options, they decide: the preset's selection of the BTF file has no foo, so foo is removed.
        let removed = try runAbigen(["diff", foo, b.ok, "--record", "bar"])
        #expect(removed.status == 1 && removed.stdout.contains("record-removed"), "\(removed.stdout)\(removed.stderr)")
        // The recorded record is gone from the other BTF: a real removal, reported (not refused as empty).
        let gone = try runAbigen(["diff", foo, b.barOnly])
        #expect(gone.status == 1 && gone.stdout.contains("record-removed"), "\(gone.stdout)\(gone.stderr)")
    }

    @Test("check and diff refuse a comparison with no record and no constant on either side (one line, exit 2, naming the selection)")
    func nothingToCompare() throws {
        let b = try Self.blobs()
        defer { try? FileManager.default.removeItem(atPath: b.dir) }
        for (args, selection) in [(["check", "--baseline", b.plain], "the io_uring preset"),
                                  (["diff", b.plain, b.plain], "the io_uring preset"),
                                  (["diff", b.plain, b.plain, "--record", "nosuch"], "--record nosuch")] {
            let r = try runAbigen(args)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stdout)\(r.stderr)")
            #expect(r.stdout.isEmpty && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("nothing to compare") && r.stderr.contains(selection), "\(args): \(r.stderr)")
        }
        let recorded = try Self.save(b.plain, ["--record", "nosuch"], as: "empty.json", in: b.dir)
        let replay = try runAbigen(["check", "--baseline", recorded])
        #expect(replay.status == 2 && replay.stderr.contains("recorded selection (records nosuch"), "\(replay.stderr)")
        Self.expectClean(try runAbigen(["check", "--baseline", b.plain, "--preset", "none"]), "something selected")
        // One side empty is a real change: the BTF with records against an empty snapshot of it.
        let added = try runAbigen(["diff", recorded, b.plain, "--preset", "none"])
        #expect(added.status == 0 && added.stdout.contains("foo"), "\(added.stdout)\(added.stderr)")
    }

    @Test("help: the top level shows --btf, help diff accepts BTF files, help of an unknown command is one line and exit 2")
    func help() throws {
        let top = try runAbigen(["--help"])
        #expect(top.status == 0 && top.stdout.contains("--btf /sys/kernel/btf/vmlinux --record io_uring_cmd"))
        #expect(top.stdout.contains("check --baseline abi.json --btf"))
        let diff = try runAbigen(["help", "diff"])
        #expect(diff.status == 0 && diff.stdout.contains("a BTF file"), "\(diff.stdout)")
        for topic in ["nosuch", "btf"] {
            let r = try runAbigen(["help", topic])
            #expect(r.status == 2 && r.stdout.isEmpty, "help \(topic): \(r.status) \(r.stdout)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("unknown command \"\(topic)\""), "\(r.stderr)")
            #expect(r.stderr.contains("diff") && r.stderr.contains("check"), "\(r.stderr)")
        }
        #expect(try runAbigen(["help", "check"]).status == 0)
        #expect(try runAbigen(["help", "help"]).status == 0)
    }

    @Test("the running kernel: a --preset none snapshot and a preset one check clean against the same kernel")
    func runningKernel() throws {
        guard FileManager.default.isReadableFile(atPath: Self.vmlinux) else {
            print("BTFSelectionTests.runningKernel: \(Self.vmlinux) is absent: skipped")
            return
        }
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (options, name) in [(["--preset", "none"], "all.json"), ([], "preset.json")] {
            let saved = try Self.save(Self.vmlinux, options, as: name, in: dir)
            Self.expectClean(try runAbigen(["check", "--baseline", saved]), "check \(options)")
        }
    }
}
