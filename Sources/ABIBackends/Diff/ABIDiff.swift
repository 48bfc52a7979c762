import ABIModel

/// How much an ABI change matters to binaries built against the old headers.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    /// Existing binaries may now read or write the wrong bytes or values.
    case breaking
    /// Additions and uses of reserved space that existing binaries cannot notice.
    case compatible
    /// Worth knowing (source-level, or for generated bindings), never a failure.
    case note

    var rank: Int {
        switch self {
        case .breaking: return 0
        case .compatible: return 1
        case .note: return 2
        }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One classified difference between two snapshots.
public struct ABIChange: Codable, Sendable, Equatable {
    /// `breaking`, `compatible` or `note`.
    public var severity: Severity
    /// A stable identifier of the kind of change (`field-moved`, `sentinel-moved`, …; see ``ABIDiffer/kinds``).
    public var kind: String
    /// The record concerned (`struct io_uring_sqe`), if any.
    public var record: String?
    /// The member concerned (flattened C name, or `union 6` for an anonymous member), if any.
    public var member: String?
    /// The constant concerned, if any.
    public var constant: String?
    /// The old value, in words (`offset 32`), if any.
    public var old: String?
    /// The new value, if any.
    public var new: String?
    /// Why the change got its class.
    public var reason: String
    /// True when a suppression accepted it: shown, but not counted for the exit status.
    public var suppressed: Bool

    public init(_ severity: Severity, _ kind: String, record: String? = nil, member: String? = nil, constant: String? = nil,
                old: String? = nil, new: String? = nil, reason: String, suppressed: Bool = false) {
        self.severity = severity
        self.kind = kind
        self.record = record
        self.member = member
        self.constant = constant
        self.old = old
        self.new = new
        self.reason = reason
        self.suppressed = suppressed
    }

    enum CodingKeys: String, CodingKey { case severity, kind, record, member, constant, old, new, reason, suppressed }

    /// Every key is written, absent values as `null`, so consumers see one shape.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(severity, forKey: .severity)
        try c.encode(kind, forKey: .kind)
        try c.encode(record, forKey: .record)
        try c.encode(member, forKey: .member)
        try c.encode(constant, forKey: .constant)
        try c.encode(old, forKey: .old)
        try c.encode(new, forKey: .new)
        try c.encode(reason, forKey: .reason)
        try c.encode(suppressed, forKey: .suppressed)
    }

    /// What it concerns: `struct io_uring_sqe.len`, `IORING_OP_LAST`.
    public var subject: String {
        if let constant { return constant }
        return [record, member].compactMap { $0 }.joined(separator: ".")
    }

    /// Sort key: severity, then subject, then kind, then the values (a total order, so output is stable).
    var sortKey: [String] { [String(severity.rank), subject, kind, old ?? "", new ?? "", reason] }
}

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

    static func diffConstants(_ old: ABISnapshot, _ new: ABISnapshot) -> [ABIChange] {
        var out: [ABIChange] = []
        let o = Dictionary(old.constants.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let n = Dictionary(new.constants.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, c) in o where n[name] == nil {
            out.append(ABIChange(.breaking, c.origin == .enumerator ? "enumerator-removed" : "constant-removed", constant: name,
                                 old: c.value.description, reason: "code using the constant no longer compiles"))
        }
        for (name, c) in n where o[name] == nil {
            out.append(ABIChange(.compatible, c.origin == .enumerator ? "enumerator-added" : "constant-added", constant: name,
                                 new: c.value.description, reason: "a new constant changes nothing existing binaries use"))
        }
        for (name, oc) in o {
            guard let nc = n[name], nc != oc else { continue }
            if !oc.value.sameValue(as: nc.value) {
                if isSentinel(name), let added = sentinelGrowth(oc, nc, old: old, new: new) {
                    out.append(ABIChange(.compatible, "sentinel-moved", constant: name, old: oc.value.description, new: nc.value.description,
                                         reason: "a count of the enumerators before it: it grew because \(added) were added, none renumbered"))
                } else if oc.origin == .enumerator {
                    out.append(ABIChange(.breaking, "enumerator-renumbered", constant: name, old: oc.value.description, new: nc.value.description,
                                         reason: "binaries built with the old value send or expect a different number"))
                } else {
                    out.append(ABIChange(.breaking, "constant-value-changed", constant: name, old: oc.value.description, new: nc.value.description,
                                         reason: "binaries built with the old value send or expect a different number"))
                }
            } else if oc.type != nc.type || oc.size != nc.size {
                var reason = "same value; the C type of the expression changed"
                if oc.size != nc.size { reason += " from \(oc.size) to \(nc.size) bytes" }
                if oc.signed != nc.signed { reason += " and so did its signedness (\(oc.signed ? "signed" : "unsigned") → \(nc.signed ? "signed" : "unsigned"))" }
                reason += ": the Swift constant's type changes with it"
                out.append(ABIChange(.note, "constant-type-changed", constant: name, old: oc.type, new: nc.type, reason: reason))
            }
            if oc.origin != nc.origin {
                out.append(ABIChange(.note, "constant-origin-changed", constant: name, old: oc.origin.rawValue, new: nc.origin.rawValue,
                                     reason: "now \(nc.origin == .macro ? "a macro" : "an enumerator"); the value is compared above, the Swift declaration's form changes"))
            } else if oc.origin == .enumerator && oc.enumName != nc.enumName {
                func label(_ e: String?) -> String { e.map { "enum \($0)" } ?? "anonymous enum" }
                out.append(ABIChange(.note, "enumerator-enum-changed", constant: name, old: label(oc.enumName), new: label(nc.enumName),
                                     reason: "same value; generated Swift names it differently (a named enum's enumerators are members of its type, an anonymous enum's are global constants)"))
            }
        }
        return out
    }

    /// A constant's value as a wide integer, for ordering values of either signedness.
    static func wide(_ v: IntegerValue) -> Int128 {
        switch v {
        case .signed(let s): return Int128(s)
        case .unsigned(let u): return Int128(u)
        }
    }

    /// When a sentinel grew only because constants were added before it, a description of them (`9 enumerators of
    /// enum io_uring_op (IORING_OP_BIND, …)`); nil when it did not grow or nothing explains the growth.
    ///
    /// Siblings are the constants new in `new` from the same named enum (for an enumerator of a named enum), or else
    /// whose names share the sentinel's prefix (`IORING_OP_` for `IORING_OP_LAST`); some must have values between the
    /// old and the new sentinel value.
    static func sentinelGrowth(_ o: Constant, _ n: Constant, old: ABISnapshot, new: ABISnapshot) -> String? {
        let (from, to) = (wide(o.value), wide(n.value))
        guard to > from else { return nil }
        var prefix = Substring(n.name)
        while prefix.hasPrefix("_") { prefix = prefix.dropFirst() }
        for suffix in ["LAST", "MAX", "COUNT"] where prefix.hasSuffix(suffix) { prefix = prefix.dropLast(suffix.count); break }
        let oldNames = Set(old.constants.map(\.name))
        let siblings = new.constants.filter { c in
            guard !oldNames.contains(c.name), c.name != n.name else { return false }
            let v = wide(c.value)
            guard v >= from && v <= to else { return false }
            if n.origin == .enumerator, let e = n.enumName { return c.origin == .enumerator && c.enumName == e }
            var name = Substring(c.name)
            while name.hasPrefix("_") { name = name.dropFirst() }
            return !prefix.isEmpty && name.hasPrefix(prefix)
        }
        guard !siblings.isEmpty else { return nil }
        let names = siblings.sorted { wide($0.value) < wide($1.value) }.map(\.name)
        let what: String
        if n.origin == .enumerator, let e = n.enumName { what = "enumerators of enum \(e)" } else { what = "constants named \(prefix)*" }
        return "\(names.count) \(what) (\(names.prefix(4).joined(separator: ", "))\(names.count > 4 ? ", …" : ""))"
    }
}

/// Which anonymous member of the new record each anonymous member of the old one became, matched by the names of
/// the fields they hold (at any depth), one to one, kind for kind.
struct AnonymousMatching {
    /// Old path → new member.
    var forward: [[Int]: AnonymousMember] = [:]
    /// New path → old member.
    var backward: [[Int]: AnonymousMember] = [:]
    /// Field names held by each member, per side.
    var oldNames: [[Int]: [String]] = [:]
    var newNames: [[Int]: [String]] = [:]

    init(_ o: Record, _ n: Record) {
        guard !o.anonymousMembers.isEmpty || !n.anonymousMembers.isEmpty else { return }
        func held(_ r: Record) -> [[Int]: [String]] {
            var out: [[Int]: [String]] = [:]
            for f in r.fields {
                guard let p = f.anonymousPath else { continue }
                for depth in stride(from: 1, through: p.count, by: 1) { out[Array(p.prefix(depth)), default: []].append(f.name) }
            }
            return out
        }
        oldNames = held(o)
        newNames = held(n)
        var pairs: [(score: Int, om: AnonymousMember, nm: AnonymousMember)] = []
        for om in o.anonymousMembers {
            let names = Set(oldNames[om.path] ?? [])
            for nm in n.anonymousMembers where nm.kind == om.kind && nm.path.count == om.path.count {
                let score = names.intersection(newNames[nm.path] ?? []).count
                if score > 0 || (names.isEmpty && newNames[nm.path] == nil && nm.offset == om.offset && nm.size == om.size) {
                    pairs.append((score, om, nm))
                }
            }
        }
        pairs.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            let da = (Int128(a.om.offset) - Int128(a.nm.offset)).magnitude, db = (Int128(b.om.offset) - Int128(b.nm.offset)).magnitude
            if da != db { return da < db }
            if a.om.path != b.om.path { return a.om.path.lexicographicallyPrecedes(b.om.path) }
            return a.nm.path.lexicographicallyPrecedes(b.nm.path)
        }
        for p in pairs where forward[p.om.path] == nil && backward[p.nm.path] == nil {
            forward[p.om.path] = p.nm
            backward[p.nm.path] = p.om
        }
    }

    /// The new path of the member an old path became; nil when it has no counterpart.
    func newPath(forOld path: [Int]) -> [Int]? { forward[path]?.path }

    /// `in union 2 (bindgen __bindgen_anon_2, Swift __Anonymous_field5)` or `a direct member`.
    func describe(_ path: [Int]?, in r: Record) -> String {
        guard let path, let m = r.anonymousMembers.first(where: { $0.path == path }) else { return "a direct member" }
        return "in \(AnonymousMatching.names(m))"
    }

    /// `union 5.1 (bindgen __bindgen_anon_5.__bindgen_anon_1, Swift __Anonymous_field11.__Anonymous_field2)`.
    static func names(_ m: AnonymousMember) -> String {
        "\(m.label) (bindgen \(m.path.map { "__bindgen_anon_\($0)" }.joined(separator: ".")), Swift \(m.fieldIndexes.map { "__Anonymous_field\($0)" }.joined(separator: ".")))"
    }

    /// The innermost union holding a new field (an anonymous union, or the record itself), with a description of
    /// how it grew (nil when it did not). A new anonymous union with no counterpart counts when the members it holds
    /// that already existed covered exactly its bytes (a member wrapped into a union with a new alternative).
    func innermostUnion(holding f: Field, old o: Record, new n: Record) -> (label: String, grewBy: String?)? {
        if let path = f.anonymousPath {
            for depth in stride(from: path.count, through: 1, by: -1) {
                let prefix = Array(path.prefix(depth))
                guard let nm = n.anonymousMembers.first(where: { $0.path == prefix }), nm.kind == .union else { continue }
                let label = "anonymous \(nm.label)"
                if let om = backward[prefix] {
                    if om.size != nm.size || om.offset != nm.offset {
                        return (label, "it grew from \(om.size) bytes at offset \(om.offset) to \(nm.size) bytes at offset \(nm.offset)")
                    }
                    return (label, nil)
                }
                let existing = (newNames[prefix] ?? []).compactMap { o.field(named: $0) }.filter { $0.size > 0 }
                guard let lo = existing.map(\.offset).min(), let hi = existing.map({ ABIDiffer.end($0.offset, $0.size) }).max() else { return nil }
                let span = ABIDiffer.end(nm.offset, nm.size)
                if lo == nm.offset && hi == span { return (label, nil) }
                return (label, "its members used bytes \(lo)..<\(hi) before, it now spans \(nm.offset)..<\(span)")
            }
        }
        guard n.kind == .union else { return nil }
        if o.kind == .union && o.size == n.size { return ("the union", nil) }
        return ("the union", "it was a \(o.kind.rawValue) of \(o.size) bytes, it is a union of \(n.size) bytes")
    }

    /// Notes for anonymous members whose number (bindgen) or field index (Swift's importer) changed. A nested
    /// member is only reported when its own number or index changed, not when it merely follows its parent.
    func renumbering(_ o: Record, _ n: Record) -> [ABIChange] {
        var out: [ABIChange] = []
        let order = Dictionary(n.fields.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        for om in o.anonymousMembers {
            guard let nm = forward[om.path], om.path != nm.path || om.fieldIndexes != nm.fieldIndexes else { continue }
            if om.path.count > 1, om.path.last == nm.path.last, om.fieldIndexes.last == nm.fieldIndexes.last { continue }
            let held = (newNames[nm.path] ?? []).sorted { (order[$0] ?? 0) < (order[$1] ?? 0) }
            let list = held.prefix(6).joined(separator: ", ") + (held.count > 6 ? ", …" : "")
            let moved = om.offset != nm.offset || om.size != nm.size
            let swiftNew = nm.fieldIndexes.map { "__Anonymous_field\($0)" }.joined(separator: ".")
            let bindgenNew = nm.path.map { "__bindgen_anon_\($0)" }.joined(separator: ".")
            out.append(ABIChange(.note, "anonymous-member-renumbered", record: o.cName, member: om.label,
                                 old: AnonymousMatching.names(om), new: AnonymousMatching.names(nm),
                                 reason: "anonymous \(nm.kind.rawValue) holding \(list) is now \(nm.label) (bindgen \(bindgenNew), Swift \(swiftNew)); was \(om.label). "
                                    + (moved ? "It also moved or changed size (its members' changes are reported separately); " : "Its members kept their offsets, but ")
                                    + "code written against bindgen's __bindgen_anon_N or Swift's __Anonymous_fieldN names breaks (abigen's flattened names do not change)"))
        }
        return out
    }
}
