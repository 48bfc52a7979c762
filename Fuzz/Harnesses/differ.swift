// Harness: the differ and its report renderers, on pairs of snapshots derived from one input.
//
// The input is one snapshot, or two separated by a NUL byte. Pairs diffed (each side as `ABISnapshot.decode`
// accepts it, validation included): the two given snapshots both ways, and each snapshot against a variant derived
// from it (members removed, renamed, added, grown; anonymous members renumbered; constants changed or removed; a
// record removed), kept only when the variant's canonical JSON is itself accepted.
// Properties: nothing traps; a snapshot diffed against itself has no changes; the result does not depend on the
// order of records and constants (when their names are unique); every renderer runs, and the JSON report parses
// as JSON; a suppression of every kind marks every change suppressed and makes the exit status 0.
import ABIBackends
import ABIModel
import Foundation

/// One input of the `differ` harness.
func fuzzDiffer(_ input: UnsafeRawBufferPointer) {
    let data = Data(input)
    let parts = data.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
    let given = parts.compactMap { acceptedSnapshot(Data($0)) }
    guard !given.isEmpty else { return }
    var pairs: [(ABISnapshot, ABISnapshot)] = []
    if given.count == 2 { pairs += [(given[0], given[1]), (given[1], given[0])] }
    for (i, s) in given.enumerated() {
        if let variant = revalidated(derive(s, seed: input.count &+ i)) { pairs.append((s, variant)) }
    }
    for s in given {
        let same = ABIDiffer.diff(old: s, new: s)
        guard same.isEmpty else { violation("differ", "a snapshot diffed against itself has \(same.count) changes") }
    }
    for (old, new) in pairs { check(old, new) }
}

func check(_ old: ABISnapshot, _ new: ABISnapshot) {
    let changes = ABIDiffer.diff(old: old, new: new)
    if hasUniqueNames(old) && hasUniqueNames(new) {
        let again = ABIDiffer.diff(old: reordered(old), new: reordered(new))
        guard again == changes else { violation("differ", "the diff depends on the order of records or constants") }
    }
    for format in DiffFormat.allCases {
        let text = DiffReport.render(changes, format: format, oldLabel: "old.json", newLabel: "new.json")
        if format == .json {
            guard (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil else {
                violation("differ", "the JSON diff report is not JSON")
            }
        }
    }
    _ = LayoutMarkdown.changedRecords(changes, old: old, new: new)
    _ = DiffReport.summary(changes)
    let everything: Suppressions
    do { everything = try Suppressions.parse("kind *\n", path: "all.txt") } catch {
        violation("differ", "the suppression `kind *` does not parse: \(error)")
    }
    let suppressed = everything.apply(to: changes)
    guard suppressed.count == changes.count, suppressed.allSatisfy(\.suppressed) else {
        violation("differ", "`kind *` does not suppress every change")
    }
    for failOn in FailOn.allCases where failOn.exitStatus(for: suppressed) != 0 {
        violation("differ", "fully suppressed changes still fail with --fail-on \(failOn.rawValue)")
    }
}

func hasUniqueNames(_ s: ABISnapshot) -> Bool {
    Set(s.records.map(\.name)).count == s.records.count && Set(s.constants.map(\.name)).count == s.constants.count
}

func reordered(_ s: ABISnapshot) -> ABISnapshot {
    var r = s
    r.records.reverse()
    r.constants.reverse()
    return r
}

/// A variant of `s`: each record and constant changed in one of a few ways chosen by its index and `seed`.
/// Arithmetic wraps (`&+`): a variant outside the validated bounds is dropped by ``revalidated(_:)``.
func derive(_ s: ABISnapshot, seed: Int) -> ABISnapshot {
    var n = s
    let k = seed & 0xFFFF
    for ri in n.records.indices {
        var r = n.records[ri]
        switch (ri &+ k) % 7 {
        case 0:
            if !r.fields.isEmpty { r.fields.removeLast() }
        case 1:
            if !r.fields.isEmpty { r.fields[0].name += "_renamed" }
        case 2:
            r.size = r.size &+ max(r.alignment, 1)
        case 3:
            let offset = r.kind == .union ? 0 : r.size
            r.fields.append(Field(name: "fuzz_added", offset: offset, size: 4,
                                  type: FieldType(spelling: "__u32", canonical: "unsigned int", kind: .integer, scalarSize: 4, signed: false)))
            if r.kind == .struct { r.size = r.size &+ 4 }
        case 4:
            if r.anonymousMembers.count >= 2 {
                let first = r.anonymousMembers[0].path
                r.anonymousMembers[0].path = r.anonymousMembers[1].path
                r.anonymousMembers[1].path = first
            } else if !r.anonymousMembers.isEmpty {
                r.anonymousMembers[0].fieldIndexes = r.anonymousMembers[0].fieldIndexes.map { $0 &+ 1 }
            }
        case 5:
            for fi in r.fields.indices where fi % 2 == 0 {
                r.fields[fi].type.spelling = "fuzz_t"
                r.fields[fi].type.signed = r.fields[fi].type.signed.map { !$0 }
            }
        default:
            for fi in r.fields.indices where r.fields[fi].bitOffset != nil {
                r.fields[fi].bitOffset = r.fields[fi].bitOffset.map { $0 &+ 1 }
            }
            if let last = r.fields.indices.last, r.fields[last].bitOffset == nil {
                r.fields[last].offset = r.fields[last].offset &+ 1
            }
        }
        n.records[ri] = r
    }
    var constants: [Constant] = []
    for (ci, c) in n.constants.enumerated() {
        var c = c
        switch (ci &+ k) % 4 {
        case 0: continue
        case 1: c.value = .unsigned(c.value.bitPattern &+ 1)
        case 2: c.size = c.size == 4 ? 8 : 4; c.type = "fuzz_type"
        default: c.origin = c.origin == .macro ? .enumerator : .macro
        }
        constants.append(c)
    }
    n.constants = constants
    if k % 3 == 0, !n.records.isEmpty { n.records.remove(at: k % n.records.count) }
    return n
}
