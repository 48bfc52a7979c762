import ABIModel

/// How much an ABI change matters to binaries built against the old headers.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    /// Existing binaries may now read or write the wrong bytes or values.
    case breaking
    /// Additions and uses of reserved space that existing binaries cannot notice.
    case compatible
    /// Worth knowing (source-level, or for generated bindings), never a failure.
    case note

    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One classified difference between two snapshots.
public struct ABIChange: Codable, Sendable, Equatable {
    /// `breaking`, `compatible` or `note`.
    public var severity: Severity
    /// A stable identifier of the kind of change (`field-moved`, `sentinel-moved`, …).
    public var kind: String
    /// The record concerned, if any.
    public var record: String?
    /// The member concerned (flattened C name), if any.
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

    /// What it concerns: `struct io_uring_sqe.len`, `IORING_OP_LAST`.
    public var subject: String {
        if let constant { return constant }
        return [record, member].compactMap { $0 }.joined(separator: ".")
    }

    /// Sort key: severity, then subject, then kind.
    var sortKey: (Int, String, String, String) { (severity.rank, subject, kind, old ?? "") }
}

/// Compares two snapshots and classifies every difference.
public enum ABIDiffer {
    /// Names of reserved or padding members, which the kernel may put to use.
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

    /// Every change from `old` to `new`, sorted by severity and subject.
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
        return changes.sorted { $0.sortKey < $1.sortKey }
    }

    static func bytes(_ f: Field) -> Range<Int> { f.offset..<(f.offset + f.size) }

    static func diffRecord(_ o: Record, _ n: Record) -> [ABIChange] {
        var out: [ABIChange] = []
        let r = o.cName
        if o.size != n.size {
            out.append(ABIChange(.breaking, "record-size-changed", record: r, old: "\(o.size) bytes", new: "\(n.size) bytes",
                                 reason: "arrays of the record and every member after the change move; sizeof differs"))
        }
        if o.alignment != n.alignment {
            out.append(ABIChange(.breaking, "record-alignment-changed", record: r, old: "alignment \(o.alignment)", new: "alignment \(n.alignment)",
                                 reason: "the record's placement in other records and arrays changes"))
        }
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
            if changedPlace && isReserved(of.name) && !of.isBitfield && bytes(nf).allSatisfy({ bytes(of).contains($0) })
                && nf.offset >= of.offset && nf.offset + nf.size <= of.offset + of.size {
                reservedChanged.append(of)
                continue
            }
            if of.isBitfield || nf.isBitfield {
                if of.bitOffset != nf.bitOffset || of.bitWidth != nf.bitWidth {
                    out.append(ABIChange(.breaking, "bitfield-moved", record: r, member: of.name,
                                         old: "bit \(of.bitOffset ?? -1) width \(of.bitWidth ?? -1)", new: "bit \(nf.bitOffset ?? -1) width \(nf.bitWidth ?? -1)",
                                         reason: "code built against the old header reads and writes other bits"))
                }
            } else if of.offset != nf.offset {
                out.append(ABIChange(.breaking, "field-moved", record: r, member: of.name, old: "offset \(of.offset)", new: "offset \(nf.offset)",
                                     reason: "code built against the old header reads and writes other bytes"))
            } else if of.size != nf.size {
                out.append(ABIChange(.breaking, "field-size-changed", record: r, member: of.name, old: "\(of.size) bytes", new: "\(nf.size) bytes",
                                     reason: "code built against the old header reads and writes the wrong number of bytes"))
            }
            if of.size == nf.size && !of.isBitfield && (of.type.spelling != nf.type.spelling || of.type.canonical != nf.type.canonical) {
                var reason = "same size and offset, so binaries are unaffected; the type is spelled differently"
                if let a = of.type.signed, let b = nf.type.signed, a != b {
                    reason += ", and its signedness changed (\(a ? "signed" : "unsigned") → \(b ? "signed" : "unsigned")): comparisons and widening in source change meaning"
                }
                out.append(ABIChange(.note, "field-type-respelled", record: r, member: of.name, old: of.type.spelling, new: nf.type.spelling, reason: reason))
            }
        }

        // Reserved members put to use: their old bytes now hold new members (and what is left of them),
        // and nothing else moved, so old binaries (which wrote zeros there) are unaffected.
        let nothingMoved = !out.contains { $0.severity == .breaking } && o.size == n.size && o.alignment == n.alignment
        for field in reservedChanged {
            let range = bytes(field)
            let inside = added.filter { $0.size > 0 && range.contains($0.offset) && $0.offset + $0.size <= range.upperBound }
            if nothingMoved {
                for u in inside { explained.insert(u.name) }
                let remaining = newFields[field.name].map { "\($0.name) now \($0.size) bytes at \($0.offset)" } ?? "\(field.name) removed"
                out.append(ABIChange(.compatible, "reserved-field-used", record: r, member: field.name,
                                     old: "\(field.name): \(field.size) bytes at offset \(field.offset)",
                                     new: (inside.map { "\($0.name) at \($0.offset)" } + [remaining]).joined(separator: ", "),
                                     reason: "reserved bytes were given a meaning without moving anything else; old binaries wrote zeros there"))
            } else if let nf = newFields[field.name] {
                out.append(ABIChange(.breaking, nf.offset != field.offset ? "field-moved" : "field-size-changed", record: r, member: field.name,
                                     old: "offset \(field.offset), \(field.size) bytes", new: "offset \(nf.offset), \(nf.size) bytes",
                                     reason: "a reserved member changed while other members moved too, so its bytes cannot be shown to be unused"))
            } else {
                out.append(ABIChange(.breaking, "field-removed", record: r, member: field.name, old: "offset \(field.offset), \(field.size) bytes",
                                     reason: "a reserved member was removed while other members moved too"))
            }
        }

        // Renames: a removed member whose exact bytes and place a new member took.
        for of in removed where !isReserved(of.name) {
            if let nf = added.first(where: { !explained.contains($0.name) && $0.offset == of.offset && $0.size == of.size
                && $0.bitOffset == of.bitOffset && $0.bitWidth == of.bitWidth && !isReserved($0.name) }) {
                explained.insert(nf.name)
                out.append(ABIChange(.note, "field-renamed", record: r, member: of.name, old: of.name, new: nf.name,
                                     reason: "same offset and size: binaries are unaffected, source using the old name breaks"))
            } else {
                out.append(ABIChange(.breaking, "field-removed", record: r, member: of.name, old: "offset \(of.offset), \(of.size) bytes",
                                     reason: "a removed member breaks code that uses it"))
            }
        }

        // New members.
        added.removeAll { explained.contains($0.name) }
        let oldCovered = added.isEmpty ? [] : coveredBytes(o)
        for f in added {
            var inUnion = n.kind == .union
            if let path = f.anonymousPath {
                for depth in 1...path.count {
                    let prefix = Array(path.prefix(depth))
                    if n.anonymousMembers.first(where: { $0.path == prefix })?.kind == .union { inUnion = true }
                }
            }
            let fits = f.offset + f.size <= o.size && o.size == n.size
            if inUnion && fits {
                out.append(ABIChange(.compatible, "field-added-in-union", record: r, member: f.name, new: "offset \(f.offset), \(f.size) bytes",
                                     reason: "a new member overlaying existing bytes of a union; the record's size is unchanged"))
            } else if fits && !bytes(f).contains(where: { oldCovered.contains($0) }) {
                out.append(ABIChange(.compatible, "field-added", record: r, member: f.name, new: "offset \(f.offset), \(f.size) bytes",
                                     reason: "a new member in bytes that were padding; the record's size is unchanged"))
            } else {
                out.append(ABIChange(.compatible, "field-added", record: r, member: f.name, new: "offset \(f.offset), \(f.size) bytes",
                                     reason: "a new member; any layout change it causes is reported separately"))
            }
        }

        if o.anonymousMembers != n.anonymousMembers { out += anonymousRenumbering(o, n) }
        return out
    }

    /// Bytes some member of the record covers.
    static func coveredBytes(_ r: Record) -> Set<Int> {
        var s = Set<Int>()
        for f in r.fields where f.size > 0 { s.formUnion(bytes(f)) }
        return s
    }

    /// Anonymous members whose number (bindgen) or field index (Swift's importer) changed.
    static func anonymousRenumbering(_ o: Record, _ n: Record) -> [ABIChange] {
        var out: [ABIChange] = []
        // Identify each top-level anonymous member by the names of the fields it holds.
        func members(_ r: Record) -> [(m: AnonymousMember, names: Set<String>)] {
            r.anonymousMembers.filter { $0.path.count == 1 }.map { m in
                (m, Set(r.fields.filter { $0.anonymousPath?.first == m.path[0] }.map(\.name)))
            }
        }
        let newMembers = members(n)
        for (om, names) in members(o) where !names.isEmpty {
            guard let (nm, _) = newMembers.max(by: { $0.names.intersection(names).count < $1.names.intersection(names).count }),
                  !nm.path.isEmpty, newMembers.first(where: { $0.m.path == nm.path })!.names.intersection(names).count > 0 else { continue }
            guard om.path != nm.path || om.fieldIndexes != nm.fieldIndexes else { continue }
            let held = names.sorted { (o.field(named: $0)?.offset ?? 0, $0) < (o.field(named: $1)?.offset ?? 0, $1) }.prefix(4).joined(separator: ", ")
            out.append(ABIChange(.note, "anonymous-member-renumbered", record: o.cName, member: "\(om.label)",
                                 old: "\(om.label) (bindgen \(om.bindgenName), Swift \(om.swiftImporterName))",
                                 new: "\(nm.label) (bindgen \(nm.bindgenName), Swift \(nm.swiftImporterName))",
                                 reason: "the anonymous \(om.kind.rawValue) holding \(held) is now \(nm.kind.rawValue) \(nm.path[0]) at field index \(nm.fieldIndexes[0]); its members did not move, but code written against bindgen's \(om.bindgenName) or Swift's \(om.swiftImporterName) no longer compiles (abigen's names do not change)"))
        }
        return out
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
                if isSentinel(name), sentinelMovedOnlyByAdditions(oc, nc, old: old, new: new) {
                    out.append(ABIChange(.compatible, "sentinel-moved", constant: name, old: oc.value.description, new: nc.value.description,
                                         reason: "a count of the enumerators before it: it grew because enumerators were added, none renumbered"))
                } else if oc.origin == .enumerator {
                    out.append(ABIChange(.breaking, "enumerator-renumbered", constant: name, old: oc.value.description, new: nc.value.description,
                                         reason: "binaries built with the old value send or expect a different number"))
                } else {
                    out.append(ABIChange(.breaking, "constant-value-changed", constant: name, old: oc.value.description, new: nc.value.description,
                                         reason: "binaries built with the old value send or expect a different number"))
                }
            } else if oc.type != nc.type || oc.size != nc.size {
                var reason = "same value; the C type of the expression changed"
                if oc.signed != nc.signed { reason += " and so did its signedness" }
                out.append(ABIChange(.note, "constant-type-changed", constant: name, old: oc.type, new: nc.type, reason: reason))
            }
        }
        return out
    }

    /// A sentinel grew, and its enum gained enumerators with values between the old and new sentinel, none renumbered.
    static func sentinelMovedOnlyByAdditions(_ o: Constant, _ n: Constant, old: ABISnapshot, new: ABISnapshot) -> Bool {
        guard n.value.bitPattern > o.value.bitPattern else { return false }
        let oldNames = Set(old.constants.map(\.name))
        let siblings = new.constants.filter { $0.enumName == n.enumName && $0.origin == n.origin && $0.header == n.header }
        let addedBefore = siblings.filter { !oldNames.contains($0.name) && $0.value.bitPattern >= o.value.bitPattern && $0.value.bitPattern < n.value.bitPattern }
        if n.origin == .enumerator { return !addedBefore.isEmpty }
        return true   // a macro sentinel (`#define X_MAX (X_LAST - 1)`) follows the enum it counts
    }
}
