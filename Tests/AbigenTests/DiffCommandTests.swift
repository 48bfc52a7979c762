import ABIBackends
import ABIModel
import Foundation
import Testing

/// Runs `abigen diff` with JSON output and decodes the changes.
func diffJSON(_ args: [String]) throws -> (status: Int32, changes: [ABIChange], stderr: String) {
    let r = try abigen(["diff"] + args + ["--format", "json"])
    struct Report: Decodable { var changes: [ABIChange] }
    let changes = r.stdout.isEmpty ? [] : try JSONDecoder().decode(Report.self, from: Data(r.stdout.utf8)).changes
    return (r.status, changes, r.stderr)
}

@Suite("abigen diff and check")
struct DiffCommandTests {
    /// Per fixture: the exit status and exactly which (severity, kind) pairs appear.
    static let cases: [(String, Int32, Set<String>)] = [
        ("record-size-changed", 1, ["breaking record-size-changed", "compatible field-added"]),
        ("record-alignment-changed", 1, ["breaking record-alignment-changed"]),
        ("field-moved", 1, ["breaking field-moved", "breaking record-size-changed", "compatible field-added"]),
        ("field-removed", 1, ["breaking field-removed", "compatible field-added"]),
        ("record-removed", 1, ["breaking record-removed"]),
        ("constant-removed", 1, ["breaking constant-removed"]),
        ("constant-value-changed", 1, ["breaking constant-value-changed"]),
        ("enumerator-renumbered", 1, ["breaking enumerator-renumbered", "compatible enumerator-added"]),
        ("bitfield-moved", 1, ["breaking bitfield-moved"]),
        ("additions", 0, ["compatible record-added", "compatible constant-added", "compatible enumerator-added"]),
        ("field-added-in-union", 0, ["compatible field-added-in-union"]),
        ("reserved-field-used", 0, ["compatible reserved-field-used"]),
        ("sentinel-moved", 0, ["compatible sentinel-moved", "compatible enumerator-added"]),
        ("field-type-respelled", 0, ["note field-type-respelled"]),
        ("field-renamed", 0, ["note field-renamed"]),
        ("anonymous-member-renumbered", 0, ["note anonymous-member-renumbered", "compatible field-added-in-union", "note field-regrouped"]),
    ]

    @Test("one small header pair per class: classification and exit status", arguments: cases)
    func fixture(_ name: String, _ status: Int32, _ kinds: Set<String>) throws {
        let dir = Repo.root + "/Fixtures/diff/" + name
        let r = try diffJSON([dir + "/old", dir + "/new", "--preset", "none", "--header", "abi.h"])
        #expect(r.status == status, "\(r.stderr)")
        #expect(Set(r.changes.map { "\($0.severity.rawValue) \($0.kind)" }) == kinds)
        #expect(r.changes.allSatisfy { !$0.reason.isEmpty })
    }

    @Test("details: signedness called out, anonymous renumbering names bindgen and Swift, reserved use names the new members")
    func details() throws {
        let base = Repo.root + "/Fixtures/diff/"
        let respelled = try diffJSON([base + "field-type-respelled/old", base + "field-type-respelled/new", "--preset", "none", "--header", "abi.h"])
        #expect(respelled.changes.first?.reason.contains("signedness changed (signed → unsigned)") == true)
        let anon = try diffJSON([base + "anonymous-member-renumbered/old", base + "anonymous-member-renumbered/new", "--preset", "none", "--header", "abi.h"])
        let note = try #require(anon.changes.first { $0.kind == "anonymous-member-renumbered" })
        #expect(note.old?.contains("__bindgen_anon_2") == true && note.new?.contains("__bindgen_anon_3") == true)
        #expect(note.reason.contains("addr3") && note.new?.contains("__Anonymous_field3") == true)
        let reserved = try diffJSON([base + "reserved-field-used/old", base + "reserved-field-used/new", "--preset", "none", "--header", "abi.h"])
        let uses = reserved.changes.compactMap(\.new).joined(separator: " ")
        #expect(uses.contains("flags at 12") && uses.contains("user_addr at 16"))
    }

    /// Snapshots of the three io_uring header versions.
    func snapshots() throws -> (liburing: String, v61: String, v612: String, dir: String) {
        let dir = try Repo.tempDirectory()
        let tree = try Repo.kernelTree("6.12")
        let sets: [(String, [String])] = [
            ("liburing.json", ["--headers", "/usr/include", "--header", "liburing/io_uring.h", "--include", "linux/time_types.h"]),
            ("6.1.json", ["--headers", "/usr/include"]),
            ("6.12.json", ["--headers", Repo.root + "/Headers/kernel", "--headers", tree + "/include/uapi", "--headers", "/usr/include"]),
        ]
        for (file, args) in sets {
            let r = try abigen(args + ["--format", "json", "-o", dir + "/" + file])
            guard r.status == 0 else { throw TestSetupError(r.stderr) }
        }
        return (dir + "/liburing.json", dir + "/6.1.json", dir + "/6.12.json", dir)
    }

    @Test("real upgrades: liburing 2.3's copy → 6.1 → 6.12; exactly the expected breaking changes")
    func realUpgrades() throws {
        let s = try snapshots()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let first = try diffJSON([s.liburing, s.v61])
        #expect(first.status == 0)
        #expect(first.changes.filter { $0.severity == .breaking }.isEmpty)
        let rw = try #require(first.changes.first { $0.member == "rw_flags" })
        #expect(rw.severity == .note && rw.kind == "field-type-respelled" && rw.old == "__kernel_rwf_t" && rw.new == "__u32")

        let second = try diffJSON([s.v61, s.v612])
        #expect(second.status == 1)
        let breaking = Set(second.changes.filter { $0.severity == .breaking }.map { "\($0.kind) \($0.subject)" })
        #expect(breaking == ["record-removed struct io_uring_notification_slot", "record-removed struct io_uring_notification_register"])
        let reserved = Set(second.changes.filter { $0.kind == "reserved-field-used" }.compactMap(\.record))
        #expect(reserved == ["struct io_sqring_offsets", "struct io_cqring_offsets", "struct io_uring_buf_reg",
                             "struct io_uring_getevents_arg", "struct io_uring_sync_cancel_reg"])
        let unionAdds = Set(second.changes.filter { $0.kind == "field-added-in-union" && $0.record == "struct io_uring_sqe" }.compactMap(\.member))
        #expect(unionAdds.isSuperset(of: ["level", "optname", "optlen", "optval"]))
        let sentinels = Set(second.changes.filter { $0.kind == "sentinel-moved" }.compactMap(\.constant))
        #expect(sentinels == ["IORING_OP_LAST", "IORING_REGISTER_LAST"])
        #expect(second.changes.filter { $0.severity != .breaking }.allSatisfy { $0.severity == .compatible || $0.severity == .note })

        // A suppression accepts the two removals: check passes, and they are still shown.
        let supp = s.dir + "/supp.txt"
        try "# removed upstream after 6.1\nrecord io_uring_notification_* kind record-removed reason \"never used\"\n".write(toFile: supp, atomically: true, encoding: .utf8)
        let accepted = try diffJSON([s.v61, s.v612, "--suppressions", supp])
        #expect(accepted.status == 0)
        #expect(accepted.changes.filter(\.suppressed).count == 2)
        // --fail-on any fails on compatible changes too.
        #expect(try abigen(["diff", s.liburing, s.v61, "--fail-on", "any"]).status == 1)
        // Markdown embeds the before/after layouts of the changed records.
        let md = try abigen(["diff", s.v61, s.v612, "--format", "markdown"])
        #expect(md.stdout.contains("struct io_uring_getevents_arg: layout before and after") && md.stdout.contains("`min_wait_usec`"))
        // check: the baseline against today's headers.
        let check = try abigen(["check", "--baseline", s.v61, "--headers", "/usr/include"])
        #expect(check.status == 0 && check.stdout.contains("0 breaking, 0 compatible, 0 notes"))
        let stale = try abigen(["check", "--baseline", s.v612, "--headers", "/usr/include", "--format", "github"])
        #expect(stale.status == 1)
        #expect(stale.stdout.split(separator: "\n").filter { $0.hasPrefix("::error title=") }.count >= 1)
    }

    @Test("kernel-internal io_uring_cmd between the 6.1 and 6.12 trees: pdu did not move")
    func kernelCmd() throws {
        let r = try diffJSON([try Repo.kernelTree("6.1"), try Repo.kernelTree("6.12"), "--record", "io_uring_cmd", "--macro-prefix", "IORING_URING_CMD_"])
        let cmd = r.changes.filter { $0.record == "struct io_uring_cmd" }
        #expect(cmd.contains { $0.kind == "field-renamed" && $0.old == "cmd" && $0.new == "sqe" })
        #expect(cmd.contains { $0.kind == "field-removed" && $0.member == "cookie" })
        #expect(!cmd.contains { $0.member == "pdu" || $0.member == "cmd_op" || $0.member == "flags" || $0.kind == "record-size-changed" })
    }

    @Test("bad input: a missing side, a bad suppression file, an unknown format")
    func badInput() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try abigen(["diff", dir + "/nope.json", dir + "/nope2.json"])
        #expect(a.status == 2 && a.stderr.contains("nope.json"))
        try "{\"not\": 1}".write(toFile: dir + "/x.json", atomically: true, encoding: .utf8)
        let b = try abigen(["diff", dir + "/x.json", dir + "/x.json"])
        #expect(b.status == 2 && b.stderr.contains("x.json") && b.stderr.contains("not an abigen snapshot"))
        try "record\n".write(toFile: dir + "/s.txt", atomically: true, encoding: .utf8)
        let made = try abigen(["--headers", "/usr/include", "--format", "json", "-o", dir + "/a.json"])
        #expect(made.status == 0)
        let c = try abigen(["diff", dir + "/a.json", dir + "/a.json", "--suppressions", dir + "/s.txt"])
        #expect(c.status == 2 && c.stderr.contains("s.txt:1:"), "\(c.stderr)")
        let d = try abigen(["diff", dir + "/a.json", dir + "/a.json", "--format", "yaml"])
        #expect(d.status == 2)
    }
}
