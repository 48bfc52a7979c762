// Shared by every harness.
import ABIModel
import Foundation

/// Stops the run on a broken property: libFuzzer reports the signal and saves the input as a crash.
func violation(_ harness: String, _ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz \(harness): property violated: \(message)\n".utf8))
    abort()
}

/// The snapshot the CLI would accept from these bytes (`ABISnapshot.decode` runs the reader and the validation), or nil.
func acceptedSnapshot(_ data: Data) -> ABISnapshot? {
    try? ABISnapshot.decode(data, path: "fuzz.json")
}

/// The snapshot as abigen would read it back after writing it: nil when the canonical JSON of `s` is refused
/// (a derived snapshot outside the validated bounds). Keeps harnesses from feeding stages what validation rejects.
func revalidated(_ s: ABISnapshot) -> ABISnapshot? {
    guard let json = try? s.jsonData() else { return nil }
    return acceptedSnapshot(json)
}

/// The first way `s` breaks the bounds every stage may assume after validation (the shared contract of issue 11,
/// section 2; Fuzz/README.md lists the rules), or nil. A snapshot `ABISnapshot.decode` accepts must pass.
func contractViolation(_ s: ABISnapshot) -> String? {
    let limit = 1 << 32
    func inBounds(_ v: Int) -> Bool { v >= 0 && v <= limit }
    func isIdentifier<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }
    func isFieldName(_ name: String) -> Bool {
        name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isIdentifier)
    }
    func isTagged(_ c: String) -> Bool {
        if c.hasPrefix("struct ") { return isIdentifier(c.dropFirst(7)) }
        if c.hasPrefix("union ") { return isIdentifier(c.dropFirst(6)) }
        return isIdentifier(c)
    }
    // IDENT, struct IDENT, union IDENT, or __typeof__(((C *)0)->IDENT(.IDENT)*([0])+) with C one of the first three.
    func isCName(_ c: String) -> Bool {
        if isTagged(c) { return true }
        let prefix = "__typeof__(((", middle = " *)0)->"
        guard c.hasPrefix(prefix), c.hasSuffix(")"), let m = c.range(of: middle) else { return false }
        guard isTagged(String(c[c.index(c.startIndex, offsetBy: prefix.count)..<m.lowerBound])) else { return false }
        var rest = String(c[m.upperBound...].dropLast())
        var subscripts = 0
        while rest.hasSuffix("[0]") { rest.removeLast(3); subscripts += 1 }
        return subscripts > 0 && isFieldName(rest)
    }
    func hasControl(_ t: String) -> Bool { t.utf8.contains { $0 < 0x20 || $0 == 0x7F } }
    func isRelativeHeader(_ h: String) -> Bool {
        !h.isEmpty && !h.hasPrefix("/") && !h.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }
    guard s.schemaVersion >= 1 && s.schemaVersion <= ABISnapshot.currentSchemaVersion else { return "schemaVersion \(s.schemaVersion)" }
    var strings = [s.target] + s.headers + s.includeDirectories + (s.preludeHeaders ?? []) + (s.headerGroups ?? []).flatMap { $0 }
    strings += s.skippedMacros.flatMap { [$0.name, $0.definition, $0.reason] } + s.unsupported.flatMap { [$0.name, $0.reason] }
    for h in s.headers + (s.preludeHeaders ?? []) + (s.headerGroups ?? []).flatMap({ $0 }) where !isRelativeHeader(h) {
        return "header '\(h)' is not relative or contains .."
    }
    for r in s.records {
        let where_ = "record \(r.name)"
        guard isIdentifier(r.name) else { return "\(where_): name is not a C identifier" }
        guard isCName(r.cName) else { return "\(where_): cName '\(r.cName)' is not an accepted form" }
        guard isRelativeHeader(r.header) else { return "\(where_): header '\(r.header)' is not relative or contains .." }
        guard inBounds(r.size), inBounds(r.alignment) else { return "\(where_): size \(r.size) or alignment \(r.alignment) out of 0...2^32" }
        strings += [r.cName, r.header]
        for f in r.fields {
            let at = "\(where_), field \(f.name)"
            guard isFieldName(f.name) else { return "\(at): name is not identifiers joined by '.'" }
            guard inBounds(f.offset), inBounds(f.size), f.offset + f.size <= r.size else {
                return "\(at): offset \(f.offset) size \(f.size) outside the record's \(r.size) bytes"
            }
            guard (f.bitOffset == nil) == (f.bitWidth == nil) else { return "\(at): bitOffset and bitWidth not both given" }
            if let b = f.bitOffset, let w = f.bitWidth {
                guard inBounds(b), (1...128).contains(w), b + w <= 8 * r.size else { return "\(at): bits \(b) width \(w) outside the record" }
            }
            guard inBounds(f.type.scalarSize) else { return "\(at): scalarSize \(f.type.scalarSize)" }
            for d in f.type.arrayDimensions ?? [] where !inBounds(d) { return "\(at): array dimension \(d)" }
            if let p = f.anonymousPath, p.isEmpty { return "\(at): empty anonymousPath" }
            if let rec = f.type.record, !isIdentifier(rec) { return "\(at): type.record '\(rec)' is not a C identifier" }
            strings += [f.type.spelling, f.type.canonical]
        }
        for a in r.anonymousMembers {
            let at = "\(where_), anonymous \(a.path)"
            guard !a.path.isEmpty, !a.fieldIndexes.isEmpty else { return "\(at): empty path or fieldIndexes" }
            guard inBounds(a.offset), inBounds(a.size), a.offset + a.size <= r.size else {
                return "\(at): offset \(a.offset) size \(a.size) outside the record's \(r.size) bytes"
            }
        }
    }
    for c in s.constants {
        let at = "constant \(c.name)"
        guard isIdentifier(c.name) else { return "\(at): name is not a C identifier" }
        guard [1, 2, 4, 8, 16].contains(c.size) else { return "\(at): size \(c.size)" }
        if let e = c.enumType, ![1, 2, 4, 8, 16].contains(e.size) { return "\(at): enumType size \(e.size)" }
        if let e = c.enumName, !isIdentifier(e) { return "\(at): enumName '\(e)' is not a C identifier" }
        guard isRelativeHeader(c.header) else { return "\(at): header '\(c.header)' is not relative or contains .." }
        strings += [c.type, c.header, c.definition ?? "", c.enumType?.spelling ?? ""]
    }
    if let bad = strings.first(where: hasControl) { return "a string contains a control character: \(bad.debugDescription)" }
    return nil
}
