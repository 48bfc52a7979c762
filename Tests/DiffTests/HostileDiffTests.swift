import ABIBackends
import ABIModel
import Testing

/// Diffs two one-record snapshots and renders every report format and the markdown layouts; returns the changes.
/// None of it may trap, whatever the numbers.
func diffAndRender(_ old: Record, _ new: Record) -> [ABIChange] {
    let (o, n) = (Make.snapshot([old]), Make.snapshot([new]))
    let changes = ABIDiffer.diff(old: o, new: n)
    for format in DiffFormat.allCases {
        #expect(!DiffReport.render(changes, format: format, oldLabel: "old", newLabel: "new").isEmpty)
    }
    _ = LayoutMarkdown.changedRecords(changes, old: o, new: n)
    return changes
}

@Suite("Differ on numbers no valid snapshot has")
struct HostileDiffTests {
    @Test("one side adds an empty anonymous member (path [], no field indexes) holding a new field")
    func emptyAnonymousMember() {
        let old = Make.record("r", size: 8, [Make.field("a", 0)])
        let new = Make.record("r", size: 8, [Make.field("a", 0), Make.field("b", 4, anon: [])],
                              anonymous: [Make.anon([], [], .union, offset: 4, size: 4)])
        let changes = diffAndRender(old, new)
        #expect(summary(changes).contains("compatible field-added struct r.b"))
    }

    @Test("an anonymous member without field indexes, renumbered")
    func anonymousWithoutIndexes() {
        let old = Make.record("r", size: 8, [Make.field("a", 0, anon: [1])], anonymous: [Make.anon([1], [], offset: 0, size: 4)])
        let new = Make.record("r", size: 8, [Make.field("z", 4), Make.field("a", 0, anon: [2])],
                              anonymous: [Make.anon([2], [], offset: 0, size: 4)])
        let changes = diffAndRender(old, new)
        #expect(summary(changes).contains("note anonymous-member-renumbered struct r.union 1"))
    }

    @Test("a negative field size, and a negative reserved offset")
    func negativeNumbers() {
        let old = Make.record("r", size: 16, [Make.field("a", 0), Make.field("__pad", -8, 8), Make.field("b", 8, -4)])
        let new = Make.record("r", size: 16, [Make.field("a", 0), Make.field("__pad", -8, 4), Make.field("used", -8, 2),
                                              Make.field("b", 8, 4)])
        let changes = diffAndRender(old, new)
        #expect(summary(changes).contains("breaking field-size-changed struct r.b"))
        #expect(changes.contains { $0.member == "__pad" })
    }

    @Test("sizes and offsets near Int.max, and a bitfield that lost its width")
    func nearIntMax() {
        let big = Int.max
        let old = Make.record("r", size: big, [Make.field("a", big - 1, big, "blob"), Make.field("pad", big - 4, big, "blob"),
                                               Make.field("bits", 0, 4, bits: (big - 1, big))])
        var lostWidth = Make.field("bits", 0, 4, bits: (5, 3))
        lostWidth.bitWidth = nil
        let new = Make.record("r", size: big - 1, [Make.field("a", big, big, "blob"), Make.field("pad", big - 4, 2),
                                                   Make.field("x", big - 2, big, "blob"), lostWidth])
        let changes = diffAndRender(old, new)
        #expect(summary(changes).contains("breaking record-size-changed struct r"))
        #expect(changes.contains { $0.kind == "bitfield-moved" && $0.old == "bits \(big - 1)..<\(Int128(big) * 2 - 1)" })
    }

    @Test("a field size of 10^12: the diff completes in proportion to the fields")
    func terabyteField() {
        let t = 1_000_000_000_000
        let old = Make.record("r", size: t + 16, [Make.field("a", 0), Make.field("blob", 8, t, "blob")])
        let new = Make.record("r", size: t + 16, [Make.field("a", 0), Make.field("blob", 8, t, "blob"), Make.field("late", t + 8, 8),
                                                  Make.field("inside", 16, t / 2, "blob")])
        let changes = diffAndRender(old, new)
        #expect(summary(changes) == ["compatible field-added struct r.late", "compatible field-added struct r.inside"])
        #expect(changes.first { $0.member == "late" }?.reason.contains("padding") == true)
        #expect(changes.first { $0.member == "inside" }?.reason.contains("padding") == false)
    }
}
