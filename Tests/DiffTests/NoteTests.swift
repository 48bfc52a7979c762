import ABIBackends
import ABIModel
import Testing

@Suite("differ: notes (never failures)")
struct NoteTests {
    @Test("a member's type spelled differently at the same size; signedness change called out (rw_flags)")
    func typeRespelled() {
        let old = Make.record("t", size: 8, [Make.field("rw_flags", 0, 4, "__kernel_rwf_t", canonical: "int", signed: true), Make.field("b", 4)])
        let new = Make.record("t", size: 8, [Make.field("rw_flags", 0, 4, "__u32"), Make.field("b", 4)])
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["note field-type-respelled struct t.rw_flags"])
        #expect(changes[0].old == "__kernel_rwf_t" && changes[0].new == "__u32")
        #expect(changes[0].reason.contains("signedness changed (signed → unsigned)"))
        #expect(statuses(changes) == (0, 0))
    }

    @Test("a moved member whose type also changed is one breaking change, not a note claiming the same offset")
    func movedAndRespelled() {
        let old = Make.record("t", size: 8, [Make.field("a", 0), Make.field("b", 4, 4, "__s32", canonical: "int", signed: true)])
        let new = Make.record("t", size: 8, [Make.field("b", 0), Make.field("a", 4)])
        #expect(summary(diffRecords(old, new)) == ["breaking field-moved struct t.a", "breaking field-moved struct t.b"])
    }

    @Test("a member renamed at the same offset and size")
    func renamed() {
        let old = Make.record("t", size: 8, [Make.field("a", 0), Make.field("cmd", 4)])
        let new = Make.record("t", size: 8, [Make.field("a", 0), Make.field("sqe", 4)])
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["note field-renamed struct t.cmd"])
        #expect(changes[0].old == "cmd" && changes[0].new == "sqe")
        #expect(statuses(changes) == (0, 0))
    }

    @Test("a member renamed but resized is a removal and an addition")
    func renamedAndResized() {
        let old = Make.record("t", size: 8, [Make.field("a", 0), Make.field("cmd", 4)])
        let new = Make.record("t", size: 8, [Make.field("a", 0), Make.field("sqe", 4, 2)])
        let changes = diffRecords(old, new)
        #expect(changes.contains { $0.severity == .breaking && $0.kind == "field-removed" && $0.member == "cmd" })
        #expect(statuses(changes).breaking == 1)
    }

    @Test("constant notes: type changed, origin changed, enumerator moved into a named enum")
    func constantNotes() {
        let old = [Make.macro("T_OFF", 1, type: "unsigned int", size: 4), Make.enumerator("T_SHIFT", 16), Make.enumerator("T_REGISTER_A", 3)]
        let new = [Make.macro("T_OFF", 1, type: "unsigned long long", size: 8), Make.macro("T_SHIFT", 16, type: "int", signed: true),
                   Make.enumerator("T_REGISTER_A", 3, enumName: "t_register_op")]
        let changes = diffConstants(old, new)
        #expect(summary(changes) == ["note constant-type-changed T_OFF", "note constant-origin-changed T_SHIFT",
                                     "note enumerator-enum-changed T_REGISTER_A"])
        #expect(changes.first { $0.constant == "T_REGISTER_A" }.map { ($0.old, $0.new) }! == ("anonymous enum", "enum t_register_op"))
        #expect(changes.first { $0.constant == "T_OFF" }!.reason.contains("from 4 to 8 bytes"))
        #expect(statuses(changes) == (0, 0))
    }
}

@Suite("differ: anonymous members")
struct AnonymousTests {
    /// A record shaped like the SQE's tail: five one-word unions, six direct words, a reserved word at 44 and, at
    /// 48, union 6 (field index 12) holding struct 6.1 { addr3; __pad2[1] } and cmd[0].
    static func sqeLike(splitReserved: Bool) -> Record {
        var fields: [Field] = []
        var anonymous: [AnonymousMember] = []
        for i in 1...5 {
            fields += [Make.field("a\(i)", (i - 1) * 4, anon: [i]), Make.field("b\(i)", (i - 1) * 4, anon: [i])]
            anonymous.append(Make.anon([i], [i - 1], offset: (i - 1) * 4, size: 4))
        }
        for i in 5...10 { fields.append(Make.field("d\(i)", 20 + (i - 5) * 4)) }
        var next = 6, index = 12
        if splitReserved {
            // The reserved word became a flags half-word and a new union of two half-words: one more field index
            // and one more anonymous member before the addr3 union.
            fields += [Make.field("flags", 44, 2), Make.field("x", 46, 2, anon: [6]), Make.field("y", 46, 2, anon: [6])]
            anonymous.append(Make.anon([6], [12], offset: 46, size: 2))
            next = 7; index = 13
        } else {
            fields.append(Make.field("resv", 44))
        }
        fields += [Make.field("addr3", 48, 8, anon: [next, 1]), Make.field("__pad2", 56, 8, array: [1], anon: [next, 1]),
                   Make.field("cmd", 48, 0, "__u8[0]", array: [0], anon: [next])]
        anonymous += [Make.anon([next], [index], offset: 48, size: 16), Make.anon([next, 1], [index, 0], .struct, offset: 48, size: 16)]
        return Make.record("sqe", size: 64, fields, anonymous: anonymous)
    }

    @Test("an anonymous union renumbered with its members in place: a note naming bindgen's and Swift's new names")
    func renumbered() {
        let changes = diffRecords(Self.sqeLike(splitReserved: false), Self.sqeLike(splitReserved: true))
        #expect(summary(changes) == ["compatible reserved-field-used struct sqe.resv", "note anonymous-member-renumbered struct sqe.union 6"])
        let note = changes.first { $0.kind == "anonymous-member-renumbered" }!
        #expect(note.reason.hasPrefix("anonymous union holding addr3, __pad2, cmd is now union 7 (bindgen __bindgen_anon_7, Swift __Anonymous_field13); was union 6"))
        #expect(note.old == "union 6 (bindgen __bindgen_anon_6, Swift __Anonymous_field12)")
        #expect(note.new == "union 7 (bindgen __bindgen_anon_7, Swift __Anonymous_field13)")
        // The nested struct 6.1 → 7.1 only follows its parent: no second note.
        #expect(changes.filter { $0.kind == "anonymous-member-renumbered" }.count == 1)
        #expect(statuses(changes) == (0, 1))
    }

    /// The SQE's union 5 in 6.12: `optlen` inserted before struct 5.1 { addr_len; __pad3[1] }.
    @Test("a nested anonymous struct whose field index changed (SQE union 5 in 6.12)")
    func nestedRenumbered() {
        let old = Make.record("sqe", size: 48, [
            Make.field("x", 0, 8, "__u64"),
            Make.field("splice_fd_in", 44, 4, "__s32", canonical: "int", signed: true, anon: [5]), Make.field("file_index", 44, anon: [5]),
            Make.field("addr_len", 44, 2, anon: [5, 1]), Make.field("__pad3", 46, 2, array: [1], anon: [5, 1]),
        ], anonymous: [Make.anon([5], [11], offset: 44, size: 4), Make.anon([5, 1], [11, 2], .struct, offset: 44, size: 4)])
        var new = old
        new.fields.insert(Make.field("optlen", 44, anon: [5]), at: 3)
        new.anonymousMembers = [Make.anon([5], [11], offset: 44, size: 4), Make.anon([5, 1], [11, 3], .struct, offset: 44, size: 4)]
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["compatible field-added-in-union struct sqe.optlen", "note anonymous-member-renumbered struct sqe.struct 5.1"])
        let note = changes.first { $0.kind == "anonymous-member-renumbered" }!
        #expect(note.new == "struct 5.1 (bindgen __bindgen_anon_5.__bindgen_anon_1, Swift __Anonymous_field11.__Anonymous_field3)")
        #expect(note.reason.contains("holding addr_len, __pad3"))
    }

    @Test("a member moved into another anonymous member at the same offset (io_uring_buf_ring's bufs)")
    func regrouped() {
        let old = Make.record("ring", size: 16, [Make.field("resv1", 0, 8, "__u64", anon: [1, 1]), Make.field("tail", 14, 2, anon: [1, 1]),
                                                  Make.field("bufs", 0, 0, "struct io_uring_buf[0]", array: [0], anon: [1])],
                              anonymous: [Make.anon([1], [0], offset: 0, size: 16), Make.anon([1, 1], [0, 0], .struct, offset: 0, size: 16)])
        let new = Make.record("ring", size: 16, [Make.field("resv1", 0, 8, "__u64", anon: [1, 1]), Make.field("tail", 14, 2, anon: [1, 1]),
                                                  Make.field("__empty_bufs", 0, 0, "struct <unnamed>", anon: [1, 2]),
                                                  Make.field("bufs", 0, 0, "struct io_uring_buf[]", array: [0], anon: [1, 2])],
                              anonymous: [Make.anon([1], [0], offset: 0, size: 16), Make.anon([1, 1], [0, 0], .struct, offset: 0, size: 16),
                                          Make.anon([1, 2], [0, 1], .struct, offset: 0, size: 0)])
        let changes = diffRecords(old, new)
        #expect(summary(changes) == ["note field-regrouped struct ring.bufs", "note field-type-respelled struct ring.bufs",
                                     "compatible field-added-in-union struct ring.__empty_bufs"])
        let moved = changes.first { $0.kind == "field-regrouped" }!
        #expect(moved.old == "in union 1 (bindgen __bindgen_anon_1, Swift __Anonymous_field0)")
        #expect(moved.new == "in struct 1.2 (bindgen __bindgen_anon_1.__bindgen_anon_2, Swift __Anonymous_field0.__Anonymous_field1)")
        #expect(statuses(changes).breaking == 0)
    }
}
