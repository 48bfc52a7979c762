import ABIModel

// Constants and enumerators: removed, added, renumbered, retyped, and sentinels that count what came before them.
extension ABIDiffer {
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
