import ABIModel

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
