import Foundation
import Synchronization

extension ABISnapshot {
    /// Checks every rule of Documentation/Snapshot.md ("Validation"); throws ``SnapshotError`` naming the first
    /// record, field or constant that breaks one. ``decode(_:path:)`` and ``load(from:)`` call it.
    public func validate(path: String) throws {
        var v = SnapshotValidator(path: path)
        try v.check(self)
    }

    /// ``validate(path:)`` for a producer that already checked each record on its own with
    /// ``recordProblem(_:index:path:)`` (where the record was still in the cache): `recordProblems` maps the index
    /// of every record that broke a rule to what it broke. The other rules, and the order failures are reported
    /// in, are those of ``validate(path:)``.
    public func validate(path: String, recordProblems: [Int: SnapshotError]) throws {
        var v = SnapshotValidator(path: path)
        try v.check(self, recordFailures: recordProblems)
    }

    /// The first of the rules ``validate(path:)`` applies to each record on its own that `record` breaks (nil:
    /// none); `index`, its place in the snapshot's records, numbers it in the message.
    public static func recordProblem(_ record: Record, index: Int, path: String) -> SnapshotError? {
        var v = SnapshotValidator(path: path)
        do { try v.record(record, index: index) } catch let e as SnapshotError { return e } catch { return SnapshotError(path: path, message: "\(error)") }
        return nil
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
        if SnapshotText.isPrintableASCII(s) { return }
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

    mutating func check(_ s: ABISnapshot, recordFailures precomputed: [Int: SnapshotError]? = nil) throws {
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
        if let groups = s.headerGroups {
            // The groups split the headers: each header in one group at most, nothing else (a probe compiles one unit per group).
            let selected = Set(s.headers)
            var seen: Set<String> = []
            for g in groups {
                if g.isEmpty { throw fail("a header group is empty") }
                for h in g {
                    guard selected.contains(h) else { throw fail("header group member \(Self.q(h)) is not one of the headers") }
                    guard seen.insert(h).inserted else { throw fail("header \(Self.q(h)) is in two header groups") }
                }
            }
        }
        for d in s.includeDirectories {
            try text(d, "include directory " + Self.q(d))
            if d.isEmpty { throw fail("an include directory is empty") }
        }
        // Each record's own rules in parallel chunks (unless the producer checked them); then, in file order, the
        // first of its failure or a repeated name.
        let failures = precomputed ?? recordFailures(s.records)
        var recordIndex: [String: Int] = [:]
        recordIndex.reserveCapacity(s.records.count)
        try s.records.withUnsafeBufferPointer { records in
            for ri in records.indices {
                if let failure = failures[ri] { throw failure }
                if recordIndex.updateValue(ri, forKey: records[ri].name) != nil { throw fail("record \(records[ri].name) appears twice") }
            }
        }
        try acyclic(s.records, recordIndex)
        // A repeated name: while the names come in strictly increasing order (a normalized snapshot) none can
        // repeat; from the first one out of order on, every name is hashed.
        var constants: Set<String>? = nil
        try s.constants.withUnsafeBufferPointer { all in
            for ci in all.indices {
                try constant(all[ci], index: ci)
                if constants == nil, ci > 0, SnapshotText.strictlyPrecedes(all[ci - 1].name, all[ci].name) != true {
                    constants = Set(all[..<ci].lazy.map(\.name))
                }
                if constants != nil, constants?.insert(all[ci].name).inserted == false {
                    throw fail("constant \(all[ci].name) appears twice")
                }
            }
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
        if let source = s.source {
            try check(source)
            if let h = source.headers {
                // What a recorded source replays must be what the snapshot says it read.
                let selected = Set(s.headers)
                if let extra = h.headers.first(where: { !selected.contains($0) }) {
                    throw fail("source: header \(Self.q(extra)) is not one of the snapshot's headers")
                }
                if h.preludeHeaders != (s.preludeHeaders ?? []) {
                    throw fail("source: preludeHeaders differ from the snapshot's preludeHeaders")
                }
            }
        }
    }

    /// The recorded source: printable strings, relative `Headers/` paths without `..`, a target triple.
    mutating func check(_ source: ABISource) throws {
        switch source {
        case .btf(let b):
            try text(b.path, "source: BTF path")
            if b.path.isEmpty { throw fail("source: the BTF path is empty") }
            if let sel = b.selection {
                for g in sel.records {
                    if g.utf8.count > 4096 { throw fail("source: a record filter of \(g.utf8.count) bytes is longer than the 4096 allowed") }
                    try text(g, "source: record filter " + Self.q(g))
                }
                for p in sel.constantPrefixes ?? [] { try text(p, "source: constant prefix " + Self.q(p)) }
            }
        case .headers(let h):
            for d in h.includeDirectories {
                try text(d.path, "source: include directory " + Self.q(d.path))
                if d.path.isEmpty { throw fail("source: an include directory is empty") }
                if d.role == .builtin || d.role == .standIn, d.path != ".", let problem = SnapshotText.headerProblem(d.path) {
                    throw fail("source: \(d.role.rawValue) directory \(Self.q(d.path)) \(problem)")
                }
            }
            for x in h.headers { try text(x, "source: header " + Self.q(x)); if x.isEmpty { throw fail("source: a header is empty") } }
            for x in h.preludeHeaders { try header(x, "source: prelude header") }
            for a in h.extraArguments { try text(a, "source: argument " + Self.q(a)) }
            if let sel = h.selection {
                for g in sel.records { try text(g, "source: record filter " + Self.q(g)) }
                for m in sel.macroPrefixes ?? [] { try text(m, "source: macro prefix " + Self.q(m)) }
            }
            if let t = h.target, !SnapshotText.isTriple(t) { throw fail("source: target \(Self.q(t)) is not a target triple") }
            if let k = h.kernelTree {
                try text(k.path, "source: kernel tree " + Self.q(k.path))
                if k.path.isEmpty { throw fail("source: the kernel tree path is empty") }
                if let v = k.version, v.isEmpty || !v.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
                    throw fail("source: kernel tree version \(Self.q(v)) is not VERSION.PATCHLEVEL.SUBLEVEL")
                }
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
        // Read in place (mapping the arrays would copy every record and field out).
        let children: [[Int]] = records.withUnsafeBufferPointer { records in
            records.indices.map { ri in
                records[ri].fields.withUnsafeBufferPointer { fields in
                    var out: [Int] = []
                    for fi in fields.indices where fields[fi].type.kind == .record {
                        if let name = fields[fi].type.record, let child = index[name] { out.append(child) }
                    }
                    return out
                }
            }
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
