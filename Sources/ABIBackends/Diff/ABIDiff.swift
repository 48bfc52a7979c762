import ABIModel

/// Compares two snapshots and classifies every difference.
public enum ABIDiffer {
    /// Every change kind the differ emits, with its severity (a kind always has the severity listed here,
    /// except `field-added-in-union`, which is breaking when the union grew).
    public static let kinds: [String: Severity] = [
        "record-removed": .breaking, "record-size-changed": .breaking, "record-alignment-changed": .breaking,
        "field-moved": .breaking, "field-size-changed": .breaking, "field-removed": .breaking, "bitfield-moved": .breaking,
        "constant-removed": .breaking, "enumerator-removed": .breaking, "constant-value-changed": .breaking,
        "enumerator-renumbered": .breaking,
        "record-added": .compatible, "constant-added": .compatible, "enumerator-added": .compatible,
        "field-added-in-union": .compatible, "field-added": .compatible, "reserved-field-used": .compatible,
        "sentinel-moved": .compatible,
        "field-type-respelled": .note, "field-renamed": .note, "field-regrouped": .note,
        "anonymous-member-renumbered": .note, "constant-type-changed": .note, "constant-origin-changed": .note,
        "enumerator-enum-changed": .note, "record-kind-changed": .note, "record-alignment-inferred-changed": .note,
    ]

    /// Names of reserved or padding members, which the kernel may put to use (`pad`, `__pad2`, `resv1`, `reserved`…).
    public static func isReserved(_ name: String) -> Bool {
        let base = name.split(separator: ".").last.map(String.init) ?? name
        var s = Substring(base.lowercased())
        while s.hasPrefix("_") { s = s.dropFirst() }
        while let last = s.last, last.isNumber { s = s.dropLast() }
        return ["pad", "resv", "reserved", "rsvd", "unused", "padding", "spare"].contains(String(s))
    }

    /// Sentinels that count the enumerators before them (`IORING_OP_LAST`, `__FOO_MAX`).
    public static func isSentinel(_ name: String) -> Bool {
        name.hasSuffix("_LAST") || name.hasSuffix("_MAX") || name.hasSuffix("_COUNT") || name.hasPrefix("__") && name.hasSuffix("MAX")
    }

    /// Every change from `old` to `new`, sorted by severity, then subject and kind.
    public static func diff(old: ABISnapshot, new: ABISnapshot) -> [ABIChange] {
        var changes: [ABIChange] = []
        let oldRecords = Dictionary(old.records.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newRecords = Dictionary(new.records.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, o) in oldRecords where newRecords[name] == nil {
            changes.append(ABIChange(.breaking, "record-removed", record: o.cName, old: "\(o.size) bytes",
                                     reason: "a removed record breaks every binary and source that uses it"))
        }
        for (name, n) in newRecords where oldRecords[name] == nil {
            changes.append(ABIChange(.compatible, "record-added", record: n.cName, new: "\(n.size) bytes",
                                     reason: "a new record changes nothing existing binaries use"))
        }
        for (name, o) in oldRecords {
            guard let n = newRecords[name], n != o else { continue }
            changes += diffRecord(o, n)
        }
        changes += diffConstants(old, new)
        return changes.sorted { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
    }

    /// The bytes a field occupies; empty for a size of 0 or less, and never past `Int.max`.
    static func bytes(_ f: Field) -> Range<Int> {
        guard f.size > 0 else { return f.offset..<f.offset }
        let (end, overflow) = f.offset.addingReportingOverflow(f.size)
        return f.offset..<(overflow ? Int.max : end)
    }

    /// One past a field's last byte, exactly (no overflow whatever the numbers).
    static func end(_ offset: Int, _ size: Int) -> Int128 { Int128(offset) + Int128(size) }

    /// `bits 3..<5`, exactly.
    static func bits(_ offset: Int, _ width: Int?) -> String { "bits \(offset)..<\(end(offset, width ?? 0))" }

    /// `__u64 at offset 32 (8 bytes)` or `bits 3..<5`.
    static func place(_ f: Field) -> String {
        if let b = f.bitOffset, let w = f.bitWidth { return "\(f.type.spelling) \(bits(b, w))" }
        return "\(f.type.spelling) at offset \(f.offset) (\(f.size) bytes)"
    }

    static func diffRecord(_ o: Record, _ n: Record) -> [ABIChange] {
        var out: [ABIChange] = []
        let r = o.cName
        if o.size != n.size {
            out.append(ABIChange(.breaking, "record-size-changed", record: r, old: "\(o.size) bytes", new: "\(n.size) bytes",
                                 reason: "sizeof differs: arrays of the record, records embedding it and size-checked system calls change"))
        }
        if o.alignment != n.alignment, o.alignmentInferred == true || n.alignmentInferred == true {
            let side = o.alignmentInferred == true ? (n.alignmentInferred == true ? "both sides" : "the old side") : "the new side"
            out.append(ABIChange(.note, "record-alignment-inferred-changed", record: r, old: "alignment \(o.alignment)", new: "alignment \(n.alignment)",
                                 reason: "the alignment on \(side) is inferred (BTF records none), not a fact; verify it with a compiler"))
        } else if o.alignment != n.alignment {
            out.append(ABIChange(.breaking, "record-alignment-changed", record: r, old: "alignment \(o.alignment)", new: "alignment \(n.alignment)",
                                 reason: "the record's placement in other records and arrays changes"))
        }
        if o.kind != n.kind {
            out.append(ABIChange(.note, "record-kind-changed", record: r, old: o.kind.rawValue, new: n.kind.rawValue,
                                 reason: "declared as a \(n.kind.rawValue) now; any member that moved because of it is reported separately"))
        }
        let anon = AnonymousMatching(o, n)
        let oldFields = Dictionary(o.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newFields = Dictionary(n.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let removed = o.fields.filter { newFields[$0.name] == nil }
        var added = n.fields.filter { oldFields[$0.name] == nil }
        var explained: Set<String> = []   // added fields accounted for by a rename or a reserved field put to use

        // Common fields: moves, resizes, respellings. A reserved member that moved or shrank inside its
        // old bytes is not a break by itself: it is judged below with the members that took its place.
        var reservedChanged: [Field] = removed.filter { isReserved($0.name) }
        for of in o.fields {
            guard let nf = newFields[of.name] else { continue }
            let changedPlace = of.offset != nf.offset || of.size != nf.size || of.bitOffset != nf.bitOffset || of.bitWidth != nf.bitWidth
            if changedPlace && isReserved(of.name) && !of.isBitfield && !nf.isBitfield
                && nf.offset >= of.offset && end(nf.offset, nf.size) <= end(of.offset, of.size) {
                reservedChanged.append(of)
                continue
            }
            var moved = false
            if of.isBitfield || nf.isBitfield {
                if of.bitOffset != nf.bitOffset || of.bitWidth != nf.bitWidth {
                    moved = true
                    out.append(ABIChange(.breaking, "bitfield-moved", record: r, member: of.name,
                                         old: of.bitOffset.map { bits($0, of.bitWidth) } ?? "not a bitfield (offset \(of.offset))",
                                         new: nf.bitOffset.map { bits($0, nf.bitWidth) } ?? "not a bitfield (offset \(nf.offset))",
                                         reason: "code built against the old header reads and writes other bits"))
                }
            } else if of.offset != nf.offset {
                moved = true
                out.append(ABIChange(.breaking, "field-moved", record: r, member: of.name, old: "offset \(of.offset)", new: "offset \(nf.offset)",
                                     reason: "code built against the old header reads and writes other bytes (a move is breaking even at the same size)"))
            } else if of.size != nf.size {
                moved = true
                out.append(ABIChange(.breaking, "field-size-changed", record: r, member: of.name,
                                     old: "\(of.size) bytes (\(of.type.spelling))", new: "\(nf.size) bytes (\(nf.type.spelling))",
                                     reason: "code built against the old header reads and writes the wrong number of bytes"))
            }
            if !moved && (of.type.spelling != nf.type.spelling || of.type.canonical != nf.type.canonical) {
                var reason = "same size and offset, so binaries are unaffected; the type is spelled differently"
                if let a = of.type.signed, let b = nf.type.signed, a != b {
                    reason += ", and its signedness changed (\(a ? "signed" : "unsigned") → \(b ? "signed" : "unsigned")): comparisons and widening in source change meaning"
                }
                out.append(ABIChange(.note, "field-type-respelled", record: r, member: of.name, old: of.type.spelling, new: nf.type.spelling, reason: reason))
            }
            // The member now sits in a different anonymous struct/union than its old one became.
            let expected = of.anonymousPath.map { anon.newPath(forOld: $0) } ?? .some(nil)
            if !moved && expected != .some(nf.anonymousPath) {
                out.append(ABIChange(.note, "field-regrouped", record: r, member: of.name,
                                     old: anon.describe(of.anonymousPath, in: o), new: anon.describe(nf.anonymousPath, in: n),
                                     reason: "same offset and size, so binaries are unaffected; code reaching the member through bindgen's __bindgen_anon_N or Swift's __Anonymous_fieldN members breaks (abigen's flattened names do not change)"))
            }
        }

        // Reserved members put to use: their old bytes now hold new members (and what is left of them),
        // and nothing else moved, so old binaries (which wrote zeros there) are unaffected.
        let nothingMoved = !out.contains { $0.severity == .breaking } && o.size == n.size
            && (o.alignment == n.alignment || o.alignmentInferred == true || n.alignmentInferred == true)
        for field in reservedChanged {
            let range = bytes(field)
            let inside = added.filter { !explained.contains($0.name) && $0.size > 0 && range.contains($0.offset) && end($0.offset, $0.size) <= Int128(range.upperBound) }
            if nothingMoved {
                for u in inside { explained.insert(u.name) }
                let remaining = newFields[field.name].map { "\($0.name) now \($0.size) bytes at \($0.offset)" } ?? "\(field.name) removed"
                out.append(ABIChange(.compatible, "reserved-field-used", record: r, member: field.name,
                                     old: "\(field.name): \(field.size) bytes at offset \(field.offset)",
                                     new: (inside.map { "\($0.name) at \($0.offset)" } + [remaining]).joined(separator: ", "),
                                     reason: "reserved bytes were given a meaning (or left reserved) without moving anything else; old binaries wrote zeros there"))
            } else if let nf = newFields[field.name] {
                out.append(ABIChange(.breaking, nf.offset != field.offset ? "field-moved" : "field-size-changed", record: r, member: field.name,
                                     old: "offset \(field.offset), \(field.size) bytes", new: "offset \(nf.offset), \(nf.size) bytes",
                                     reason: "a reserved member changed while the record's size or other members changed too, so its bytes cannot be shown to be unused"))
            } else {
                out.append(ABIChange(.breaking, "field-removed", record: r, member: field.name, old: "offset \(field.offset), \(field.size) bytes",
                                     reason: "a reserved member was removed while the record's size or other members changed too"))
            }
        }

        // Renames: a removed member whose exact bytes and anonymous member a new member took.
        for of in removed where !isReserved(of.name) {
            let expected = of.anonymousPath.map { anon.newPath(forOld: $0) } ?? .some(nil)
            let candidates = added.filter { !explained.contains($0.name) && $0.offset == of.offset && $0.size == of.size
                && $0.bitOffset == of.bitOffset && $0.bitWidth == of.bitWidth && !isReserved($0.name) }
            if let nf = candidates.first(where: { expected == .some($0.anonymousPath) }) ?? candidates.first {
                explained.insert(nf.name)
                out.append(ABIChange(.note, "field-renamed", record: r, member: of.name, old: of.name, new: nf.name,
                                     reason: "same offset and size: binaries are unaffected, source using the old name breaks"))
            } else {
                out.append(ABIChange(.breaking, "field-removed", record: r, member: of.name, old: place(of),
                                     reason: "a removed member breaks code that uses it"))
            }
        }

        // New members.
        added.removeAll { explained.contains($0.name) }
        let oldCovered = added.isEmpty ? [] : coveredRanges(o)
        for f in added {
            let sameSize = o.size == n.size
            if let union = anon.innermostUnion(holding: f, old: o, new: n) {
                if union.grewBy == nil && sameSize {
                    out.append(ABIChange(.compatible, "field-added-in-union", record: r, member: f.name, new: place(f),
                                         reason: "a new member overlaying existing bytes of \(union.label); neither it nor the record changed size"))
                } else {
                    let why = union.grewBy ?? "the record's size changed"
                    out.append(ABIChange(.breaking, "field-added-in-union", record: r, member: f.name, new: place(f),
                                         reason: "a new member of \(union.label) that does not fit in it: \(why)"))
                }
            } else if sameSize && end(f.offset, f.size) <= Int128(o.size) && !overlaps(bytes(f), oldCovered) {
                out.append(ABIChange(.compatible, "field-added", record: r, member: f.name, new: place(f),
                                     reason: "a new member in bytes that were padding; the record's size is unchanged"))
            } else {
                out.append(ABIChange(.compatible, "field-added", record: r, member: f.name, new: place(f),
                                     reason: "a new member; any layout change it causes is reported separately"))
            }
        }

        if o.anonymousMembers != n.anonymousMembers { out += anon.renumbering(o, n) }
        return out
    }

    /// The bytes some member of the record covers, as sorted disjoint ranges (as many as there are fields, at most).
    static func coveredRanges(_ r: Record) -> [Range<Int>] {
        let ranges = r.fields.filter { $0.size > 0 }.map(bytes).filter { !$0.isEmpty }
            .sorted { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) }
        var merged: [Range<Int>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Whether `range` shares a byte with any of the sorted disjoint `ranges`.
    static func overlaps(_ range: Range<Int>, _ ranges: [Range<Int>]) -> Bool {
        guard !range.isEmpty else { return false }
        var lo = 0, hi = ranges.count   // first range ending after range's start
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if ranges[mid].upperBound <= range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].lowerBound < range.upperBound
    }
}
