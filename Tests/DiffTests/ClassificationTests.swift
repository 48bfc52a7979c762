import ABIBackends
import ABIModel
import Testing

/// One test per classification rule, on hand-made snapshots: severity, kind and exit status.
@Suite("differ: breaking changes")
struct BreakingTests {
    let base = Make.record("t", size: 16, [Make.field("a", 0, 8, "__u64"), Make.field("b", 8), Make.field("c", 12)])

    @Test("identical snapshots: no changes, exit 0")
    func identical() {
        let s = Make.snapshot([base], [Make.macro("T_FLAG", 1)])
        #expect(ABIDiffer.diff(old: s, new: s).isEmpty)
        #expect(statuses([]) == (0, 0))
    }

    @Test("record size changed (and the appended member is not itself breaking)")
    func recordSize() {
        let new = Make.record("t", size: 24, base.fields + [Make.field("d", 16, 8, "__u64")])
        let changes = diffRecords(base, new)
        #expect(summary(changes) == ["breaking record-size-changed struct t", "compatible field-added struct t.d"])
        #expect(changes.first { $0.kind == "record-size-changed" }.map { ($0.old, $0.new) }! == ("16 bytes", "24 bytes"))
        #expect(statuses(changes) == (1, 1))
    }

    @Test("record alignment changed")
    func recordAlignment() {
        var new = base
        new.alignment = 16
        let changes = diffRecords(base, new)
        #expect(summary(changes) == ["breaking record-alignment-changed struct t"])
        #expect(statuses(changes).breaking == 1)
    }

    @Test("a member moved at the same size is breaking")
    func fieldMoved() {
        let new = Make.record("t", size: 16, [Make.field("a", 0, 8, "__u64"), Make.field("c", 8), Make.field("b", 12)])
        let changes = diffRecords(base, new)
        #expect(summary(changes) == ["breaking field-moved struct t.b", "breaking field-moved struct t.c"])
        let b = changes.first { $0.member == "b" }!
        #expect(b.old == "offset 8" && b.new == "offset 12")
        #expect(statuses(changes) == (1, 1))
    }

    @Test("a member's size changed")
    func fieldSize() {
        let new = Make.record("t", size: 16, [Make.field("a", 0, 8, "__u64"), Make.field("b", 8, 2), Make.field("c", 12)])
        let changes = diffRecords(base, new)
        #expect(summary(changes) == ["breaking field-size-changed struct t.b"])
        #expect(statuses(changes).breaking == 1)
    }

    @Test("a member removed")
    func fieldRemoved() {
        let new = Make.record("t", size: 16, [Make.field("a", 0, 8, "__u64"), Make.field("c", 12)])
        let changes = diffRecords(base, new)
        #expect(summary(changes) == ["breaking field-removed struct t.b"])
        #expect(statuses(changes).breaking == 1)
    }

    @Test("a used member renamed to a reserved name is a removal, not a rename")
    func fieldRetired() {
        let new = Make.record("t", size: 16, [Make.field("a", 0, 8, "__u64"), Make.field("resv", 8), Make.field("c", 12)])
        let changes = diffRecords(base, new)
        #expect(changes.contains { $0.severity == .breaking && $0.kind == "field-removed" && $0.member == "b" })
        #expect(statuses(changes).breaking == 1)
    }

    @Test("a record removed")
    func recordRemoved() {
        let changes = ABIDiffer.diff(old: Make.snapshot([base]), new: Make.snapshot([]))
        #expect(summary(changes) == ["breaking record-removed struct t"])
        #expect(statuses(changes).breaking == 1)
    }

    @Test("constants and enumerators removed")
    func constantRemoved() {
        let changes = diffConstants([Make.macro("T_FLAG", 1), Make.enumerator("T_OP_NOP", 0, enumName: "t_op")], [])
        #expect(summary(changes) == ["breaking constant-removed T_FLAG", "breaking enumerator-removed T_OP_NOP"])
        #expect(statuses(changes).breaking == 1)
    }

    @Test("a macro's value changed")
    func constantValue() {
        let changes = diffConstants([Make.macro("T_FLAG", 1)], [Make.macro("T_FLAG", 2)])
        #expect(summary(changes) == ["breaking constant-value-changed T_FLAG"])
        #expect(changes[0].old == "1" && changes[0].new == "2")
        #expect(statuses(changes).breaking == 1)
    }

    @Test("an enumerator renumbered (a new one inserted before it)")
    func enumeratorRenumbered() {
        let old = [Make.enumerator("T_OP_NOP", 0, enumName: "t_op"), Make.enumerator("T_OP_READ", 1, enumName: "t_op")]
        let new = [Make.enumerator("T_OP_NOP", 0, enumName: "t_op"), Make.enumerator("T_OP_OPEN", 1, enumName: "t_op"),
                   Make.enumerator("T_OP_READ", 2, enumName: "t_op")]
        let changes = diffConstants(old, new)
        #expect(summary(changes) == ["breaking enumerator-renumbered T_OP_READ", "compatible enumerator-added T_OP_OPEN"])
        #expect(statuses(changes).breaking == 1)
    }

    @Test("a bitfield moved or changed width")
    func bitfieldMoved() {
        let old = Make.record("t", size: 4, alignment: 4, [Make.field("x", 0, 1, bits: (0, 3)), Make.field("y", 0, 1, bits: (3, 2))])
        let new = Make.record("t", size: 4, alignment: 4, [Make.field("x", 0, 1, bits: (0, 4)), Make.field("y", 0, 1, bits: (4, 2))])
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["breaking bitfield-moved struct t.x", "breaking bitfield-moved struct t.y"])
        #expect(changes.first { $0.member == "y" }.map { ($0.old, $0.new) }! == ("bits 3..<5", "bits 4..<6"))
        #expect(statuses(changes).breaking == 1)
    }

    @Test("a reserved member removed while the record shrank is breaking")
    func reservedRemovedRecordShrank() {
        let old = Make.record("t", size: 16, [Make.field("a", 0, 8, "__u64"), Make.field("resv", 8, 8, "__u64")])
        let new = Make.record("t", size: 8, [Make.field("a", 0, 8, "__u64")])
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["breaking record-size-changed struct t", "breaking field-removed struct t.resv"])
    }
}

@Suite("differ: compatible changes")
struct CompatibleTests {
    @Test("new records, macros and enumerators")
    func additions() {
        let a = Make.record("a", size: 8, [Make.field("x", 0, 8, "__u64")])
        let old = Make.snapshot([a], [Make.enumerator("T_OP_NOP", 0, enumName: "t_op")])
        let new = Make.snapshot([a, Make.record("b", size: 4, alignment: 4, [Make.field("y", 0)])],
                                [Make.enumerator("T_OP_NOP", 0, enumName: "t_op"), Make.enumerator("T_OP_READ", 1, enumName: "t_op"),
                                 Make.macro("T_FLAG", 4)])
        let changes = ABIDiffer.diff(old: old, new: new)
        #expect(summary(changes) == ["compatible record-added struct b", "compatible enumerator-added T_OP_READ",
                                     "compatible constant-added T_FLAG"])
        #expect(statuses(changes) == (0, 1))
    }

    /// An SQE-like union at offset 28 (`union { __u32 rw_flags; __u32 fsync_flags; }`) gains a member.
    @Test("a new member inside an existing anonymous union that still fits")
    func fieldAddedInUnion() {
        let old = Make.record("t", size: 32, [Make.field("x", 0, 8, "__u64"), Make.field("rw_flags", 28, anon: [1]), Make.field("fsync_flags", 28, anon: [1])],
                              anonymous: [Make.anon([1], [1], offset: 28, size: 4)])
        var new = old
        new.fields.append(Make.field("futex_flags", 28, anon: [1]))
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["compatible field-added-in-union struct t.futex_flags"])
        #expect(statuses(changes) == (0, 1))
    }

    @Test("a new anonymous struct inside an existing union (6.12's level/optname in the SQE's union 2)")
    func structAddedInUnion() {
        let old = Make.record("t", size: 24, [Make.field("x", 0, 8, "__u64"), Make.field("off", 8, 8, "__u64", anon: [1]), Make.field("addr2", 8, 8, "__u64", anon: [1])],
                              anonymous: [Make.anon([1], [1], offset: 8, size: 8)])
        var new = old
        new.fields += [Make.field("level", 8, anon: [1, 1]), Make.field("optname", 12, anon: [1, 1])]
        new.anonymousMembers.append(Make.anon([1, 1], [1, 2], .struct, offset: 8, size: 8))
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["compatible field-added-in-union struct t.level", "compatible field-added-in-union struct t.optname"])
        #expect(statuses(changes).breaking == 0)
    }

    @Test("a new member of a union record that keeps its size")
    func fieldAddedInUnionRecord() {
        let old = Make.record("u", size: 8, kind: .union, [Make.field("a", 0, 8, "__u64"), Make.field("b", 0)])
        var new = old
        new.fields.append(Make.field("c", 0, 2))
        #expect(summary(diffRecords(old, new)) == ["compatible field-added-in-union union u.c"])
    }

    @Test("a new member that makes its union grow is breaking, even when nothing else moves")
    func unionGrew() {
        let old = Make.record("t", size: 16, [Make.field("x", 0, 8, "__u64"), Make.field("a", 8, 2, anon: [1]), Make.field("b", 8, 2, anon: [1])],
                              anonymous: [Make.anon([1], [1], offset: 8, size: 2)])
        var new = old
        new.fields.append(Make.field("c", 8, 4, anon: [1]))
        new.anonymousMembers = [Make.anon([1], [1], offset: 8, size: 4)]
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["breaking field-added-in-union struct t.c"])
        #expect(changes[0].reason.contains("grew from 2 bytes"))
        #expect(statuses(changes).breaking == 1)
    }

    @Test("a member wrapped into a new union with a new alternative")
    func wrappedIntoUnion() {
        let old = Make.record("t", size: 8, [Make.field("op", 0, 1), Make.field("len", 4)])
        let new = Make.record("t", size: 8, [Make.field("op", 0, 1), Make.field("len", 4, anon: [1]), Make.field("optlen", 4, anon: [1])],
                              anonymous: [Make.anon([1], [1], offset: 4, size: 4)])
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["compatible field-added-in-union struct t.optlen", "note field-regrouped struct t.len"])
        #expect(statuses(changes) == (0, 1))
    }

    /// The five reserved-field uses between Linux 6.1 and 6.12, with their real offsets.
    @Test("reserved members put to use (io_uring 6.1 → 6.12): compatible, nothing breaking",
          arguments: ReservedCase.all)
    func reservedUsed(_ c: ReservedCase) {
        let changes = diffRecords(c.old, c.new)
        #expect(!changes.contains { $0.severity == .breaking }, "\(changes)")
        #expect(Set(changes.map(\.kind)) == ["reserved-field-used"])
        #expect(Set(changes.compactMap(\.member)) == c.reserved)
        let mentioned = changes.compactMap(\.new).joined(separator: " ")
        for f in c.usedBy { #expect(mentioned.contains(f), "\(f) not named in \(mentioned)") }
        #expect(statuses(changes) == (0, 1))
    }

    @Test("a new member in former padding")
    func fieldInPadding() {
        let old = Make.record("t", size: 16, [Make.field("a", 0, 8, "__u64"), Make.field("b", 8)])
        var new = old
        new.fields.append(Make.field("c", 12))
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["compatible field-added struct t.c"])
        #expect(changes[0].reason.contains("padding"))
    }

    @Test("sentinels that grew because enumerators were added before them")
    func sentinelMoved() {
        // A named enum (IORING_OP_LAST) and an anonymous enum matched by name prefix (IORING_REGISTER_LAST in 6.1).
        let old = [Make.enumerator("T_OP_NOP", 0, enumName: "t_op"), Make.enumerator("T_OP_LAST", 1, enumName: "t_op"),
                   Make.enumerator("T_REGISTER_A", 0), Make.enumerator("T_REGISTER_LAST", 1)]
        let new = [Make.enumerator("T_OP_NOP", 0, enumName: "t_op"), Make.enumerator("T_OP_READ", 1, enumName: "t_op"),
                   Make.enumerator("T_OP_WRITE", 2, enumName: "t_op"), Make.enumerator("T_OP_LAST", 3, enumName: "t_op"),
                   Make.enumerator("T_REGISTER_A", 0), Make.enumerator("T_REGISTER_B", 1), Make.enumerator("T_REGISTER_LAST", 2)]
        let changes = diffConstants(old, new)
        #expect(summary(changes) == ["compatible sentinel-moved T_OP_LAST", "compatible sentinel-moved T_REGISTER_LAST",
                                     "compatible enumerator-added T_OP_READ", "compatible enumerator-added T_OP_WRITE",
                                     "compatible enumerator-added T_REGISTER_B"])
        #expect(changes.first { $0.constant == "T_OP_LAST" }!.reason.contains("2 enumerators of enum t_op"))
        #expect(statuses(changes) == (0, 1))
    }

    @Test("a sentinel that grew with nothing added, or a _MAX macro (a buffer size), is breaking")
    func sentinelNotExplained() {
        let renumbered = diffConstants([Make.enumerator("T_OP_LAST", 1, enumName: "t_op")], [Make.enumerator("T_OP_LAST", 2, enumName: "t_op")])
        #expect(summary(renumbered) == ["breaking enumerator-renumbered T_OP_LAST"])
        let shrunk = diffConstants([Make.enumerator("T_OP_LAST", 2, enumName: "t_op")],
                                   [Make.enumerator("T_OP_X", 1, enumName: "t_op"), Make.enumerator("T_OP_LAST", 1, enumName: "t_op")])
        #expect(shrunk.contains { $0.kind == "enumerator-renumbered" && $0.severity == .breaking })
        let macro = diffConstants([Make.macro("T_NAME_MAX", 16)], [Make.macro("T_NAME_MAX", 32)])
        #expect(summary(macro) == ["breaking constant-value-changed T_NAME_MAX"])
        // Another enum's additions do not explain it.
        let other = diffConstants([Make.enumerator("T_OP_LAST", 1, enumName: "t_op")],
                                  [Make.enumerator("T_OP_LAST", 2, enumName: "t_op"), Make.enumerator("T_OTHER", 1, enumName: "t_other")])
        #expect(other.contains { $0.kind == "enumerator-renumbered" && $0.constant == "T_OP_LAST" })
    }
}

/// A reserved-field case: a record before and after, the reserved members concerned and the members that used them.
struct ReservedCase: CustomTestStringConvertible, Sendable {
    var old: Record
    var new: Record
    var reserved: Set<String>
    var usedBy: [String]
    var testDescription: String { old.name }

    static let all: [ReservedCase] = {
        func f(_ name: String, _ offset: Int, _ size: Int, _ spelling: String? = nil, array: [Int]? = nil) -> Field {
            Make.field(name, offset, size, spelling, array: array)
        }
        // io_sqring_offsets: resv2 (__u64 at 32) became user_addr.
        let sqHead = ["head", "tail", "ring_mask", "ring_entries", "flags", "dropped", "array"].enumerated().map { f($1, $0 * 4, 4) }
        let sq = ReservedCase(old: Make.record("io_sqring_offsets", size: 40, sqHead + [f("resv1", 28, 4), f("resv2", 32, 8)]),
                              new: Make.record("io_sqring_offsets", size: 40, sqHead + [f("resv1", 28, 4), f("user_addr", 32, 8)]),
                              reserved: ["resv2"], usedBy: ["user_addr at 32"])
        // io_uring_buf_reg: pad (__u16 at 14) became flags; resv (__u64[3] at 16) became min_left (__u32 at 16) and resv (__u32[5] at 20).
        let bufHead = [f("ring_addr", 0, 8), f("ring_entries", 8, 4), f("bgid", 12, 2)]
        let buf = ReservedCase(old: Make.record("io_uring_buf_reg", size: 40, bufHead + [f("pad", 14, 2), f("resv", 16, 24, array: [3])]),
                               new: Make.record("io_uring_buf_reg", size: 40, bufHead + [f("flags", 14, 2), f("min_left", 16, 4), f("resv", 20, 20, array: [5])]),
                               reserved: ["pad", "resv"], usedBy: ["flags at 14", "min_left at 16", "resv now 20 bytes at 20"])
        // io_uring_getevents_arg: pad (__u32 at 12) became min_wait_usec.
        let ev = { (name: String) in
            Make.record("io_uring_getevents_arg", size: 24, [f("sigmask", 0, 8), f("sigmask_sz", 8, 4), f(name, 12, 4), f("ts", 16, 8)])
        }
        let getevents = ReservedCase(old: ev("pad"), new: ev("min_wait_usec"), reserved: ["pad"], usedBy: ["min_wait_usec at 12"])
        // io_uring_sync_cancel_reg: pad (__u64[4] at 32) became opcode (__u8 at 32), pad (__u8[7] at 33) and pad2 (__u64[3] at 40).
        let syncHead = [f("addr", 0, 8), f("fd", 8, 4, "__s32"), f("flags", 12, 4), f("timeout", 16, 16, "struct __kernel_timespec")]
        let sync = ReservedCase(old: Make.record("io_uring_sync_cancel_reg", size: 64, syncHead + [f("pad", 32, 32, array: [4])]),
                                new: Make.record("io_uring_sync_cancel_reg", size: 64,
                                                 syncHead + [f("opcode", 32, 1), f("pad", 33, 7, array: [7]), f("pad2", 40, 24, array: [3])]),
                                reserved: ["pad"], usedBy: ["opcode at 32", "pad2 at 40", "pad now 7 bytes at 33"])
        return [sq, buf, getevents, sync]
    }()
}
