import ABIBackends
import ABIModel
import Testing

/// One hand-made pair of snapshots per change class, with the change it must produce, worked out from the layouts.
struct ChangeCase: Sendable, CustomTestStringConvertible {
    var kind: String
    var severity: Severity
    var subject: String
    var old: String?
    var new: String?
    var before: ABISnapshot
    var after: ABISnapshot
    var testDescription: String { kind }
}

extension ChangeCase {
    /// A case whose two sides hold one record each.
    static func records(_ kind: String, _ severity: Severity, _ subject: String, _ old: String?, _ new: String?,
                        _ before: Record, _ after: Record) -> ChangeCase {
        ChangeCase(kind: kind, severity: severity, subject: subject, old: old, new: new,
                   before: Make.snapshot([before]), after: Make.snapshot([after]))
    }

    /// A case whose two sides hold constants only.
    static func constants(_ kind: String, _ severity: Severity, _ subject: String, _ old: String?, _ new: String?,
                          _ before: [Constant], _ after: [Constant]) -> ChangeCase {
        ChangeCase(kind: kind, severity: severity, subject: subject, old: old, new: new,
                   before: Make.snapshot([], before), after: Make.snapshot([], after))
    }

    /// `struct t { __u32 x; __u32 y; }`, 8 bytes, alignment 4.
    static let t = Make.record("t", size: 8, alignment: 4, [Make.field("x", 0), Make.field("y", 4)])

    static let all: [ChangeCase] = [
        records("record-removed", .breaking, "struct t", "8 bytes", nil, t, Make.record("other", size: 4, alignment: 4, [])),
        records("record-added", .compatible, "struct other", nil, "4 bytes", Make.record("t", size: 8, alignment: 4, []),
                Make.record("other", size: 4, alignment: 4, [])),
        records("record-size-changed", .breaking, "struct t", "8 bytes", "16 bytes", t,
                Make.record("t", size: 16, alignment: 4, [Make.field("x", 0), Make.field("y", 4)])),
        records("record-alignment-changed", .breaking, "struct t", "alignment 4", "alignment 8", t,
                Make.record("t", size: 8, alignment: 8, [Make.field("x", 0), Make.field("y", 4)])),
        records("record-alignment-inferred-changed", .note, "struct t", "alignment 4", "alignment 8", t,
                Record(name: "t", cName: "struct t", kind: .struct, size: 8, alignment: 8, header: "test/abi.h",
                       fields: [Make.field("x", 0), Make.field("y", 4)], alignmentInferred: true)),
        records("record-kind-changed", .note, "struct t", "struct", "union", Make.record("t", size: 4, alignment: 4, [Make.field("x", 0)]),
                Make.record("t", size: 4, alignment: 4, kind: .union, [Make.field("x", 0)])),
        records("field-moved", .breaking, "struct t.y", "offset 4", "offset 8", Make.record("t", size: 16, alignment: 4, [Make.field("x", 0), Make.field("y", 4)]),
                Make.record("t", size: 16, alignment: 4, [Make.field("x", 0), Make.field("y", 8)])),
        records("field-size-changed", .breaking, "struct t.y", "4 bytes (__u32)", "8 bytes (__u64)",
                Make.record("t", size: 16, [Make.field("x", 0), Make.field("y", 4)]),
                Make.record("t", size: 16, [Make.field("x", 0), Make.field("y", 4, 8)])),
        records("field-removed", .breaking, "struct t.y", "__u32 at offset 4 (4 bytes)", nil, t,
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0)])),
        records("bitfield-moved", .breaking, "struct t.f", "bits 0..<3", "bits 3..<6",
                Make.record("t", size: 4, alignment: 4, [Make.field("f", 0, bits: (0, 3))]),
                Make.record("t", size: 4, alignment: 4, [Make.field("f", 0, bits: (3, 3))])),
        records("field-added", .compatible, "struct t.y", nil, "__u32 at offset 4 (4 bytes)",
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0)]), t),
        records("field-added-in-union", .compatible, "union u.b", nil, "__u32 at offset 0 (4 bytes)",
                Make.record("u", size: 4, alignment: 4, kind: .union, [Make.field("a", 0)]),
                Make.record("u", size: 4, alignment: 4, kind: .union, [Make.field("a", 0), Make.field("b", 0)])),
        records("reserved-field-used", .compatible, "struct t.resv", "resv: 4 bytes at offset 4", "flags at 4, resv removed",
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0), Make.field("resv", 4)]),
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0), Make.field("flags", 4)])),
        records("field-renamed", .note, "struct t.y", "y", "z", t,
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0), Make.field("z", 4)])),
        records("field-type-respelled", .note, "struct t.y", "__u32", "__s32", t,
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0), Make.field("y", 4, signed: true)])),
        records("field-regrouped", .note, "struct t.y", "a direct member",
                "in union 1 (bindgen __bindgen_anon_1, Swift __Anonymous_field1)", t,
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0), Make.field("y", 4, anon: [1])],
                            anonymous: [Make.anon([1], [1], offset: 4, size: 4)])),
        records("anonymous-member-renumbered", .note, "struct t.union 1",
                "union 1 (bindgen __bindgen_anon_1, Swift __Anonymous_field1)", "union 2 (bindgen __bindgen_anon_2, Swift __Anonymous_field1)",
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0), Make.field("y", 4, anon: [1])],
                            anonymous: [Make.anon([1], [1], offset: 4, size: 4)]),
                Make.record("t", size: 8, alignment: 4, [Make.field("x", 0), Make.field("y", 4, anon: [2])],
                            anonymous: [Make.anon([2], [1], offset: 4, size: 4)])),
        constants("constant-removed", .breaking, "A", "1", nil, [Make.macro("A", 1)], []),
        constants("constant-added", .compatible, "A", nil, "1", [], [Make.macro("A", 1)]),
        constants("enumerator-removed", .breaking, "E_A", "1", nil, [Make.enumerator("E_A", 1)], []),
        constants("enumerator-added", .compatible, "E_A", nil, "1", [], [Make.enumerator("E_A", 1)]),
        constants("constant-value-changed", .breaking, "A", "1", "2", [Make.macro("A", 1)], [Make.macro("A", 2)]),
        constants("enumerator-renumbered", .breaking, "E_A", "1", "2", [Make.enumerator("E_A", 1)], [Make.enumerator("E_A", 2)]),
        constants("sentinel-moved", .compatible, "E_LAST", "1", "2",
                  [Make.enumerator("E_A", 0, enumName: "e"), Make.enumerator("E_LAST", 1, enumName: "e")],
                  [Make.enumerator("E_A", 0, enumName: "e"), Make.enumerator("E_B", 1, enumName: "e"), Make.enumerator("E_LAST", 2, enumName: "e")]),
        constants("constant-type-changed", .note, "A", "unsigned int", "unsigned long", [Make.macro("A", 1)],
                  [Make.macro("A", 1, type: "unsigned long", size: 8)]),
        constants("constant-origin-changed", .note, "A", "macro", "enumerator", [Make.macro("A", 1)], [Make.enumerator("A", 1)]),
        constants("enumerator-enum-changed", .note, "E_A", "enum x", "enum y", [Make.enumerator("E_A", 1, enumName: "x")],
                  [Make.enumerator("E_A", 1, enumName: "y")]),
    ]
}

@Suite("One hand-made case per change class")
struct ChangeClassTests {
    @Test("the cases cover every change kind the differ knows, each once")
    func coverage() {
        let kinds = ChangeCase.all.map(\.kind)
        #expect(Set(kinds) == Set(ABIDiffer.kinds.keys))
        #expect(kinds.count == Set(kinds).count)
        for c in ChangeCase.all { #expect(ABIDiffer.kinds[c.kind] == c.severity, "\(c.kind)") }
    }

    @Test("each case produces its change, with the severity, subject and values worked out by hand", arguments: ChangeCase.all)
    func changeClass(_ c: ChangeCase) throws {
        let changes = ABIDiffer.diff(old: c.before, new: c.after)
        let change = try #require(changes.first { $0.kind == c.kind }, "\(changes.map(\.kind))")
        #expect(change.severity == c.severity)
        #expect(change.subject == c.subject)
        #expect(change.old == c.old)
        #expect(change.new == c.new)
        #expect(!change.reason.isEmpty)
        #expect(!change.suppressed)
        // Diffing a side against itself finds nothing.
        #expect(ABIDiffer.diff(old: c.before, new: c.before).isEmpty)
        #expect(ABIDiffer.diff(old: c.after, new: c.after).isEmpty)
    }

    @Test("record-kind-changed: a struct that became a union is a note, its members' moves are reported separately")
    func recordKindChanged() {
        // struct k { __u32 a; __u32 b; } (8 bytes) → union k { __u32 a; __u32 b; } (4 bytes): b moves from 4 to 0.
        let old = Make.record("k", size: 8, alignment: 4, [Make.field("a", 0), Make.field("b", 4)])
        let new = Make.record("k", size: 4, alignment: 4, kind: .union, [Make.field("a", 0), Make.field("b", 0)])
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["note record-kind-changed struct k", "breaking record-size-changed struct k",
                                     "breaking field-moved struct k.b"])
        #expect(changes.first { $0.kind == "record-kind-changed" }?.reason.hasPrefix("declared as a union now") == true)
        #expect(statuses(changes) == (1, 1))
        // The kind alone, same layout: only the note, which fails nothing.
        let alone = diffRecords(Make.record("k", size: 4, alignment: 4, [Make.field("a", 0)]),
                                Make.record("k", size: 4, alignment: 4, kind: .union, [Make.field("a", 0)]))
        #expect(summary(alone) == ["note record-kind-changed struct k"])
        #expect(statuses(alone) == (0, 0))
    }

    @Test("record-alignment-inferred-changed: an inferred alignment on either side makes an alignment change a note naming that side")
    func alignmentInferred() {
        func rec(_ alignment: Int, inferred: Bool?) -> Record {
            Record(name: "t", cName: "struct t", kind: .struct, size: 8, alignment: alignment, header: "test/abi.h",
                   fields: [Make.field("x", 0)], alignmentInferred: inferred)
        }
        for (o, n, side) in [(true, nil, "the old side"), (nil, true, "the new side"), (true, true, "both sides")] as [(Bool?, Bool?, String)] {
            let changes = diffRecords(rec(4, inferred: o), rec(8, inferred: n))
            #expect(changes.map(\.kind) == ["record-alignment-inferred-changed"], "\(side)")
            #expect(changes.first?.reason.contains("the alignment on \(side) is inferred") == true, "\(side)")
            #expect(statuses(changes) == (0, 0))
        }
        // Read from a compiler on both sides: breaking.
        let read = diffRecords(rec(4, inferred: nil), rec(8, inferred: false))
        #expect(summary(read) == ["breaking record-alignment-changed struct t"])
        // Inferred but equal: nothing.
        #expect(diffRecords(rec(8, inferred: true), rec(8, inferred: nil)).isEmpty)
    }

    @Test("markdown report: a backtick in a subject or value cannot end its code span, a pipe cannot split a cell")
    func markdownBacktick() {
        let change = ABIChange(.breaking, "field-moved", record: "struct a`b", member: "c|d", old: "offset `4`", new: "offset 8", reason: "r <x>")
        let md = DiffReport.render([change], format: .markdown, oldLabel: "old", newLabel: "new")
        let row = md.split(separator: "\n").first { $0.hasPrefix("| `") }
        #expect(row == "| `struct a'b.c\\|d` | field-moved | offset '4' | offset 8 | r &lt;x&gt; |")
    }
}
