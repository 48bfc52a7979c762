/// The bounds a validated snapshot keeps (Documentation/Snapshot.md, "Validation").
public enum SnapshotLimits {
    /// The largest record size, offset, field size, array byte count, bit offset or field index: 2^32 (4 GiB).
    public static let maximumSize = 1 << 32
    /// The largest alignment: 2^16.
    public static let maximumAlignment = 1 << 16
    /// The widest bitfield, in bits.
    public static let maximumBitWidth = 128
    /// The sizes an integer constant or enum type may have, in bytes.
    public static let constantSizes: Set<Int> = [1, 2, 4, 8, 16]
}

/// Text helpers for messages about untrusted strings.
public enum SnapshotText {
    /// True for characters no snapshot string may hold: C0 and C1 controls, DEL, line and paragraph
    /// separators and bidirectional controls (they break or reorder lines of generated source).
    public static func isForbidden(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `s` with every forbidden character written as `\u{XXXX}`, cut to `limit` characters.
    public static func shown(_ s: String, limit: Int = 80) -> String {
        var out = ""
        var n = 0
        for u in s.unicodeScalars {
            if n >= limit { out += "…"; break }
            if isForbidden(u) { out += "\\u{\(String(u.value, radix: 16, uppercase: true))}" } else { out.unicodeScalars.append(u) }
            n += 1
        }
        return out
    }

    /// `s` on one line: forbidden characters escaped (no length limit).
    public static func oneLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isForbidden) else { return s }
        return shown(s, limit: Int.max)
    }

    /// True for a C identifier: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isIdentifier<S: StringProtocol>(_ s: S) -> Bool {
        var first = true
        for b in s.utf8 {
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            guard letter || (!first && digit) else { return false }
            first = false
        }
        return !first
    }

    /// True for identifiers joined by `.` (a field name such as `tx.flags`).
    public static func isMemberPath(_ s: String) -> Bool {
        var atStart = true
        for b in s.utf8 {
            if b == 0x2E {
                if atStart { return false }
                atStart = true
                continue
            }
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            guard letter || (!atStart && digit) else { return false }
            atStart = false
        }
        return !atStart
    }

    /// True for the record type names a probe may use: `IDENT`, `struct IDENT`, `union IDENT`, or
    /// `__typeof__(((C *)0)->IDENT(.IDENT)*([0])+)` with C one of the first three.
    public static func isRecordCName(_ s: String) -> Bool {
        func plain(_ t: Substring) -> Bool {
            if t.hasPrefix("struct ") { return isIdentifier(t.dropFirst(7)) }
            if t.hasPrefix("union ") { return isIdentifier(t.dropFirst(6)) }
            return isIdentifier(t)
        }
        let open = "__typeof__((("
        guard s.hasPrefix(open) else { return plain(s[...]) }
        var rest = s.dropFirst(open.count)
        guard let star = rest.range(of: " *)0)->") else { return false }
        guard plain(rest[..<star.lowerBound]) else { return false }
        rest = rest[star.upperBound...]
        guard rest.hasSuffix(")") else { return false }
        rest = rest.dropLast()
        var dims = 0
        while rest.hasSuffix("[0]") { rest = rest.dropLast(3); dims += 1 }
        return dims > 0 && isMemberPath(String(rest))
    }

    /// Why `header` cannot be `#include`d safely, or nil: it must be non-empty, relative, without a `..`
    /// component, and without `<`, `>`, `"` or `\`.
    public static func headerProblem(_ header: String) -> String? {
        if header.isEmpty { return "is empty" }
        if header.hasPrefix("/") { return "is an absolute path (headers are relative to an include directory)" }
        if header.split(separator: "/", omittingEmptySubsequences: false).contains("..") { return "contains a '..' component" }
        if header.contains(where: { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "\\" }) {
            return "contains '<', '>', '\"' or '\\', which cannot appear in #include"
        }
        return nil
    }

    /// True for a type name a C probe may compile: words only (`unsigned int`, `enum e`, `__u8`).
    public static func isTypeName(_ s: String) -> Bool {
        !s.isEmpty && s.split(separator: " ").allSatisfy { isIdentifier($0) }
    }

    /// True for a target triple: `[A-Za-z0-9_.-]+`, not starting with `-`.
    public static func isTriple(_ s: String) -> Bool {
        guard let first = s.utf8.first, first != UInt8(ascii: "-") else { return false }
        return s.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2E || b == 0x2D
        }
    }
}

extension ABISnapshot {
    /// Checks every rule of Documentation/Snapshot.md ("Validation"); throws ``SnapshotError`` naming the first
    /// record, field or constant that breaks one. ``decode(_:path:)`` and ``load(from:)`` call it.
    public func validate(path: String) throws {
        var v = SnapshotValidator(path: path)
        try v.check(self)
    }
}

/// The validation rules, applied in file order.
struct SnapshotValidator {
    let path: String
    /// Headers already found acceptable (records and constants repeat a few).
    var goodHeaders: Set<String> = []

    init(path: String) { self.path = path }

    func fail(_ message: String) -> SnapshotError { SnapshotError(path: path, message: message) }

    /// `'name'` for messages.
    static func q(_ s: String) -> String { "'\(SnapshotText.shown(s))'" }

    func text(_ s: String, _ what: @autoclosure () -> String) throws {
        // Printable ASCII (almost every string) needs no look at scalars.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return }
        guard let bad = s.unicodeScalars.first(where: SnapshotText.isForbidden) else { return }
        throw fail("\(what()): contains control character U+\(String(format4(bad.value)))")
    }

    func format4(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    mutating func header(_ h: String, _ what: @autoclosure () -> String) throws {
        guard !goodHeaders.contains(h) else { return }
        try text(h, what() + " " + Self.q(h))
        if let problem = SnapshotText.headerProblem(h) { throw fail("\(what()) \(Self.q(h)) \(problem)") }
        goodHeaders.insert(h)
    }

    func bounded(_ v: Int, _ what: @autoclosure () -> String) throws {
        guard v >= 0 else { throw fail("\(what()) \(v) is negative") }
        guard v <= SnapshotLimits.maximumSize else { throw fail("\(what()) \(v) is absurd (more than 2^32)") }
    }

    mutating func check(_ s: ABISnapshot) throws {
        guard s.schemaVersion <= ABISnapshot.currentSchemaVersion else {
            throw fail(ABISnapshot.newerVersionMessage(String(s.schemaVersion)))
        }
        guard s.schemaVersion >= 1 else {
            throw fail("schemaVersion \(s.schemaVersion) is not a version (this abigen reads 1 to \(ABISnapshot.currentSchemaVersion))")
        }
        try text(s.target, "target")
        guard SnapshotText.isTriple(s.target) else { throw fail("target \(Self.q(s.target)) is not a target triple ([A-Za-z0-9_.-]+)") }
        for h in s.headers { try header(h, "header") }
        for h in s.preludeHeaders ?? [] { try header(h, "prelude header") }
        for g in s.headerGroups ?? [] { for h in g { try header(h, "header group member") } }
        for d in s.includeDirectories {
            try text(d, "include directory " + Self.q(d))
            if d.isEmpty { throw fail("an include directory is empty") }
        }
        var recordIndex: [String: Int] = [:]
        for (ri, r) in s.records.enumerated() {
            try record(r, index: ri)
            if recordIndex.updateValue(ri, forKey: r.name) != nil { throw fail("record \(r.name) appears twice") }
        }
        try acyclic(s.records, recordIndex)
        var constants: Set<String> = []
        for (ci, c) in s.constants.enumerated() {
            try constant(c, index: ci)
            if !constants.insert(c.name).inserted { throw fail("constant \(c.name) appears twice") }
        }
        for (mi, m) in s.skippedMacros.enumerated() {
            guard SnapshotText.isIdentifier(m.name) else { throw fail("skipped macro #\(mi + 1) \(Self.q(m.name)): name is not a C identifier") }
            try text(m.definition, "skipped macro \(m.name): definition")
            try text(m.reason, "skipped macro \(m.name): reason")
        }
        for (ui, u) in s.unsupported.enumerated() {
            try text(u.name, "unsupported entry #\(ui + 1): name")
            try text(u.reason, "unsupported entry \(Self.q(u.name)): reason")
        }
    }

    mutating func record(_ r: Record, index: Int) throws {
        guard SnapshotText.isIdentifier(r.name) else { throw fail("record #\(index + 1) \(Self.q(r.name)): name is not a C identifier") }
        var at: String { "record \(r.name)" }
        try text(r.cName, "\(at): cName")
        guard SnapshotText.isRecordCName(r.cName) else {
            throw fail("\(at): cName \(Self.q(r.cName)) is not a C type name (IDENT, struct IDENT, union IDENT or __typeof__(((C *)0)->member[0]))")
        }
        try bounded(r.size, "\(at): size")
        guard r.alignment >= 1, r.alignment <= SnapshotLimits.maximumAlignment, r.alignment & (r.alignment - 1) == 0 else {
            throw fail("\(at): alignment \(r.alignment) is not a power of two from 1 to 2^16")
        }
        try header(r.header, "\(at): header")
        // Anonymous members: paths numbered from 1, one field index per path number, each named once, parents first.
        var paths: Set<[Int]> = []
        for a in r.anonymousMembers {
            var where_: String {
                let label = a.path.map(String.init).joined(separator: ".")
                return "\(at), anonymous member \(label.isEmpty ? "with an empty path" : label)"
            }
            guard !a.path.isEmpty else { throw fail("\(where_): path is empty") }
            guard !a.fieldIndexes.isEmpty else { throw fail("\(where_): fieldIndexes is empty") }
            guard a.path.count == a.fieldIndexes.count else {
                throw fail("\(where_): \(a.fieldIndexes.count) field indexes for a path of \(a.path.count)")
            }
            if let n = a.path.first(where: { $0 < 1 }) { throw fail("\(where_): path number \(n) is less than 1") }
            for i in a.fieldIndexes { try bounded(i, "\(where_): field index") }
            if a.path.count > 1, !paths.contains(Array(a.path.dropLast())) {
                throw fail("\(where_): its parent \(a.path.dropLast().map(String.init).joined(separator: ".")) is not an anonymous member before it")
            }
            guard paths.insert(a.path).inserted else { throw fail("\(where_): appears twice") }
            try bounded(a.offset, "\(where_): offset")
            try bounded(a.size, "\(where_): size")
            guard a.offset + a.size <= r.size else {
                throw fail("\(where_): bytes \(a.offset)..<\(a.offset + a.size) lie beyond the record's \(r.size) bytes")
            }
        }
        var names: Set<String> = []
        for (fi, f) in r.fields.enumerated() {
            guard SnapshotText.isMemberPath(f.name) else {
                throw fail("\(at), field #\(fi + 1) \(Self.q(f.name)): name is not a C member name (identifiers joined by '.')")
            }
            guard names.insert(f.name).inserted else { throw fail("\(at), field \(f.name): appears twice") }
            try field(f, in: r, anonymous: paths)
        }
    }

    func field(_ f: Field, in r: Record, anonymous: Set<[Int]>) throws {
        var at: String { "record \(r.name), field \(f.name)" }
        try bounded(f.offset, "\(at): offset")
        try bounded(f.size, "\(at): size")
        guard f.offset <= r.size else { throw fail("\(at): offset \(f.offset) lies beyond the record's \(r.size) bytes") }
        guard f.offset + f.size <= r.size else {
            throw fail("\(at): bytes \(f.offset)..<\(f.offset + f.size) lie beyond the record's \(r.size) bytes")
        }
        switch (f.bitOffset, f.bitWidth) {
        case (nil, nil): break
        case (nil, .some): throw fail("\(at): bitWidth without bitOffset")
        case (.some, nil): throw fail("\(at): bitOffset without bitWidth")
        case let (.some(bitOffset), .some(bitWidth)):
            guard bitWidth >= 1, bitWidth <= SnapshotLimits.maximumBitWidth else {
                throw fail("\(at): bitWidth \(bitWidth) is not from 1 to \(SnapshotLimits.maximumBitWidth)")
            }
            try bounded(bitOffset, "\(at): bitOffset")
            guard bitOffset + bitWidth <= r.size * 8 else {
                throw fail("\(at): bits \(bitOffset)..<\(bitOffset + bitWidth) lie beyond the record's \(r.size) bytes")
            }
        }
        if let p = f.anonymousPath {
            guard !p.isEmpty else { throw fail("\(at): anonymousPath is empty") }
            if let n = p.first(where: { $0 < 1 }) { throw fail("\(at): anonymousPath number \(n) is less than 1") }
            guard anonymous.contains(p) else {
                throw fail("\(at): anonymousPath \(p.map(String.init).joined(separator: ".")) names no anonymous member")
            }
        }
        let t = f.type
        try text(t.spelling, "\(at): type spelling")
        try text(t.canonical, "\(at): canonical type")
        if f.bitWidth != nil {
            // A bitfield's spelling is words (`unsigned int`, `enum e`, `__u8`), which a probe compiles, or names
            // an unnamed enum (`enum <unnamed>`, as BTF spells it), which a probe skips.
            guard !t.spelling.isEmpty,
                  t.spelling.split(separator: " ").allSatisfy({ SnapshotText.isIdentifier($0) || $0 == "<unnamed>" }) else {
                throw fail("\(at): bitfield type \(Self.q(t.spelling)) is not an integer or enum type name")
            }
        }
        try bounded(t.scalarSize, "\(at): scalarSize")
        if let record = t.record {
            guard SnapshotText.isIdentifier(record) else { throw fail("\(at): type record \(Self.q(record)) is not a C identifier") }
        }
        if let dims = t.arrayDimensions {
            guard !dims.isEmpty else { throw fail("\(at): arrayDimensions is empty") }
            var total = t.scalarSize
            for d in dims {
                try bounded(d, "\(at): array dimension")
                let (product, overflow) = total.multipliedReportingOverflow(by: d)
                guard !overflow, product <= SnapshotLimits.maximumSize else {
                    throw fail("\(at): array dimensions \(dims.map(String.init).joined(separator: "×")) of \(t.scalarSize)-byte elements exceed 2^32 bytes")
                }
                total = product
            }
        }
    }

    mutating func constant(_ c: Constant, index: Int) throws {
        guard SnapshotText.isIdentifier(c.name) else { throw fail("constant #\(index + 1) \(Self.q(c.name)): name is not a C identifier") }
        var at: String { "constant \(c.name)" }
        try text(c.type, "\(at): type")
        guard SnapshotLimits.constantSizes.contains(c.size) else { throw fail("\(at): size \(c.size) is not 1, 2, 4, 8 or 16") }
        let bits = c.size * 8
        let value: Int128
        switch c.value {
        case .signed(let v): value = Int128(v)
        case .unsigned(let v): value = Int128(v)
        }
        let fits: Bool
        if c.signed {
            fits = bits >= 128 || (value >= -(Int128(1) << (bits - 1)) && value < Int128(1) << (bits - 1))
        } else {
            fits = value >= 0 && (bits >= 128 || value < Int128(1) << bits)
        }
        guard fits else { throw fail("\(at): value \(c.value) does not fit \(c.signed ? "a signed" : "an unsigned") \(c.size)-byte type") }
        if let e = c.enumName {
            guard SnapshotText.isIdentifier(e) else { throw fail("\(at): enum name \(Self.q(e)) is not a C identifier") }
        }
        if let t = c.enumType {
            try text(t.spelling, "\(at): enum type")
            guard SnapshotLimits.constantSizes.contains(t.size) else { throw fail("\(at): enum type size \(t.size) is not 1, 2, 4, 8 or 16") }
        }
        try header(c.header, "\(at): header")
        if let d = c.definition { try text(d, "\(at): definition") }
    }

    /// Records cannot contain themselves by value, directly or through others.
    func acyclic(_ records: [Record], _ index: [String: Int]) throws {
        // 0 unvisited, 1 on the current path, 2 done. Iterative depth-first search.
        var state = [UInt8](repeating: 0, count: records.count)
        let children: [[Int]] = records.map { r in
            r.fields.compactMap { f in f.type.kind == .record ? f.type.record.flatMap { index[$0] } : nil }
        }
        for root in records.indices where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                if top.next < children[top.node].count {
                    stack[stack.count - 1].next += 1
                    let child = children[top.node][top.next]
                    if state[child] == 1 {
                        let cycle = stack.map { records[$0.node].name }.drop { $0 != records[child].name } + [records[child].name]
                        throw fail("record \(records[child].name) contains itself by value (\(cycle.joined(separator: " → ")))")
                    }
                    if state[child] == 0 {
                        state[child] = 1
                        stack.append((child, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
    }
}
