import ABIModel

/// One number the compiler disagrees with.
public struct Mismatch: Sendable, Equatable, CustomStringConvertible {
    /// The record's C name (`struct io_uring_sqe`), the constant's name, or `enum tag`.
    public var subject: String
    /// The field's name for field properties; nil otherwise.
    public var field: String?
    /// Which number.
    public var property: ABIProperty
    /// What the snapshot says.
    public var snapshot: String
    /// What the compiler says.
    public var compiler: String

    /// Makes a mismatch.
    public init(subject: String, field: String? = nil, property: ABIProperty, snapshot: String, compiler: String) {
        self.subject = subject
        self.field = field
        self.property = property
        self.snapshot = snapshot
        self.compiler = compiler
    }

    /// `struct io_uring_sqe.user_data: offset: snapshot 32, compiler 40`.
    public var description: String {
        let name = field.map { "\(subject).\($0)" } ?? subject
        return "\(name): \(property.rawValue): snapshot \(snapshot), compiler \(compiler)"
    }
}

/// The result of checking a snapshot against the compiler.
public struct VerificationReport: Sendable {
    /// Records whose size and alignment were checked.
    public var recordsChecked: Int
    /// Fields checked (offsets, sizes, bit positions, signedness).
    public var fieldsChecked: Int
    /// Constants checked (value, size, signedness).
    public var constantsChecked: Int
    /// Every disagreement, in snapshot order (records and their fields, then constants).
    public var mismatches: [Mismatch]
    /// `cc (x86_64-linux-gnu)`.
    public var compilerDescription: String
    /// The measurement the report was made from.
    public var measurement: Measurement

    /// True when the compiler agrees with every number.
    public var ok: Bool { mismatches.isEmpty }

    /// `verified 21 records, 180 fields, 312 constants against cc (x86_64-linux-gnu): 0 mismatches`.
    public var summaryLine: String {
        let n = mismatches.count
        return "verified \(recordsChecked) records, \(fieldsChecked) fields, \(constantsChecked) constants against "
            + "\(compilerDescription): \(n) mismatch\(n == 1 ? "" : "es")"
    }

    /// One line per mismatch (``Mismatch/description``).
    public var mismatchLines: [String] { mismatches.map(\.description) }

    /// The summary line followed by the mismatch lines, newline-terminated.
    public var text: String { ([summaryLine] + mismatchLines).map { $0 + "\n" }.joined() }
}

/// The comparison: a snapshot against the compiler's measurement of it.
extension Verifier {
    /// Compares a snapshot with a measurement of it (pure).
    public static func report(_ snapshot: ABISnapshot, measurement m: Measurement) -> VerificationReport {
        var out: [Mismatch] = []
        func signedness(_ b: Bool?) -> String { b.map { $0 ? "signed" : "unsigned" } ?? "unknown" }
        var fields = 0
        let units = ProbeBuilder.assignment(snapshot)
        let records = units.flatMap(\.records).sorted()
        let constants = units.flatMap(\.constants).sorted()
        for ri in records {
            let r = snapshot.records[ri]
            let subject = r.cName
            if let error = m.failedChecks[CheckKey(.record(ri), .size)] {
                out.append(Mismatch(subject: subject, property: .compiles, snapshot: "\(r.kind.rawValue) of size \(r.size)",
                                    compiler: error))
                continue
            }
            func number(_ key: CheckKey, _ expected: Int, _ field: String? = nil) {
                if let error = m.failedChecks[key] {
                    out.append(Mismatch(subject: subject, field: field, property: .compiles,
                                        snapshot: "\(key.property.rawValue) \(expected)", compiler: error))
                } else if let got = m.value(key), got != UInt64(truncatingIfNeeded: expected) {
                    out.append(Mismatch(subject: subject, field: field, property: key.property,
                                        snapshot: String(expected), compiler: String(got)))
                }
            }
            number(CheckKey(.record(ri), .size), r.size)
            number(CheckKey(.record(ri), .alignment), r.alignment)
            let fs = r.fields
            for fi in fs.indices {
                fields += 1
                let s = ProbeSubject.field(record: ri, field: fi)
                // A field that does not compile (misnamed, wrong type spelling) is one mismatch, not one per check.
                let failedKey = m.failedChecks.isEmpty ? nil : [ABIProperty.offset, .bitOffset, .fieldSize, .elementSize, .signedness]
                    .map { CheckKey(s, $0) }.first { m.failedChecks[$0] != nil }
                if let error = failedKey.flatMap({ m.failedChecks[$0] }) {
                    let f = fs[fi]
                    let place = f.isBitfield ? "bitfield at bit \(f.bitOffset.map(String.init) ?? "?")" : "field at offset \(f.offset)"
                    out.append(Mismatch(subject: subject, field: f.name, property: .compiles, snapshot: place,
                                        compiler: error))
                    continue
                }
                if fs[fi].isBitfield {
                    number(CheckKey(s, .bitOffset), fs[fi].bitOffset ?? -1, fs[fi].name)
                    number(CheckKey(s, .bitWidth), fs[fi].bitWidth ?? -1, fs[fi].name)
                }
                number(CheckKey(s, .offset), fs[fi].offset, fs[fi].name)
                if !fs[fi].isBitfield && fs[fi].type.isVariableTail {
                    if fs[fi].size != 0 {
                        out.append(Mismatch(subject: subject, field: fs[fi].name, property: .fieldSize,
                                            snapshot: String(fs[fi].size), compiler: "0 (zero-length or flexible array)"))
                    }
                } else {
                    number(CheckKey(s, .fieldSize), fs[fi].size, fs[fi].name)
                }
                number(CheckKey(s, .elementSize), fs[fi].type.scalarSize, fs[fi].name)
                if let got = m.value(CheckKey(s, .signedness)), fs[fi].type.signed != (got != 0) {
                    out.append(Mismatch(subject: subject, field: fs[fi].name, property: .signedness,
                                        snapshot: signedness(fs[fi].type.signed), compiler: signedness(got != 0)))
                }
            }
        }
        var enumsSeen = Set<String>()
        let cs = snapshot.constants
        for ci in constants {
            if let error = m.failedChecks[CheckKey(.constant(ci), .value)] {
                out.append(Mismatch(subject: cs[ci].name, property: .compiles, snapshot: "value \(cs[ci].value)", compiler: error))
                continue
            }
            let measuredSigned = m.value(CheckKey(.constant(ci), .constantSignedness)).map { $0 != 0 }
            if let got = m.value(CheckKey(.constant(ci), .value)), got != cs[ci].value.bitPattern {
                let shown = measuredSigned == true ? String(Int64(bitPattern: got)) : String(got)
                out.append(Mismatch(subject: cs[ci].name, property: .value, snapshot: cs[ci].value.description, compiler: shown))
            }
            if let got = m.value(CheckKey(.constant(ci), .constantSize)), got != UInt64(truncatingIfNeeded: cs[ci].size) {
                out.append(Mismatch(subject: cs[ci].name, property: .constantSize, snapshot: String(cs[ci].size),
                                    compiler: String(got)))
            }
            if let got = measuredSigned, got != cs[ci].signed {
                out.append(Mismatch(subject: cs[ci].name, property: .constantSignedness, snapshot: signedness(cs[ci].signed),
                                    compiler: signedness(got)))
            }
            if cs[ci].origin == .enumerator, let tag = cs[ci].enumName, let et = cs[ci].enumType, enumsSeen.insert(tag).inserted {
                let subject = "enum \(tag)"
                for (key, expected) in [(CheckKey(.enumeration(tag), .enumSize), et.size)] {
                    if let error = m.failedChecks[key] {
                        out.append(Mismatch(subject: subject, property: .compiles, snapshot: "size \(expected)", compiler: error))
                    } else if let got = m.value(key), got != UInt64(truncatingIfNeeded: expected) {
                        out.append(Mismatch(subject: subject, property: .enumSize, snapshot: String(expected), compiler: String(got)))
                    }
                }
                if let got = m.value(CheckKey(.enumeration(tag), .enumSignedness)).map({ $0 != 0 }), got != et.signed {
                    out.append(Mismatch(subject: subject, property: .enumSignedness, snapshot: signedness(et.signed),
                                        compiler: signedness(got)))
                }
            }
        }
        return VerificationReport(recordsChecked: records.count, fieldsChecked: fields, constantsChecked: constants.count,
                                  mismatches: out, compilerDescription: m.compilerDescription, measurement: m)
    }
}
