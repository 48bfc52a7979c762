import ABIModel

/// One number two compilers measure differently for the same snapshot.
public struct CompilerDisagreement: Sendable, Equatable, CustomStringConvertible {
    /// The record's C name, the constant's name, or `enum tag`.
    public var subject: String
    /// The field's name for field properties; nil otherwise.
    public var field: String?
    /// Which number.
    public var property: ABIProperty
    /// The first compiler (`clang (m68k-linux-gnu)`) and its answer.
    public var first: (compiler: String, value: String)
    /// The second compiler and its answer.
    public var second: (compiler: String, value: String)

    /// `struct io_uring_sqe: alignment: clang (m68k-linux-gnu) 8, m68k-linux-gnu-gcc (m68k-linux-gnu) 2`.
    public var description: String {
        let name = field.map { "\(subject).\($0)" } ?? subject
        return "\(name): \(property.rawValue): \(first.compiler) \(first.value), \(second.compiler) \(second.value)"
    }

    /// Equal when every part is.
    public static func == (a: Self, b: Self) -> Bool {
        a.subject == b.subject && a.field == b.field && a.property == b.property && a.first == b.first && a.second == b.second
    }
}

/// Compares what two compilers measured for one snapshot.
public enum CompilerComparison {
    /// Every check of the snapshot, in snapshot order (records with their fields, then constants and enums).
    static func orderedKeys(_ snapshot: ABISnapshot) -> [(key: CheckKey, subject: String, field: String?)] {
        var keys: [(key: CheckKey, subject: String, field: String?)] = []
        for (ri, r) in snapshot.records.enumerated() {
            for p in [ABIProperty.size, .alignment] { keys.append((CheckKey(.record(ri), p), r.cName, nil)) }
            for (fi, f) in r.fields.enumerated() {
                for p in [ABIProperty.offset, .fieldSize, .elementSize, .bitOffset, .bitWidth, .signedness] {
                    keys.append((CheckKey(.field(record: ri, field: fi), p), r.cName, f.name))
                }
            }
        }
        var enums = Set<String>()
        for (ci, c) in snapshot.constants.enumerated() {
            for p in [ABIProperty.value, .constantSize, .constantSignedness] { keys.append((CheckKey(.constant(ci), p), c.name, nil)) }
            if let tag = c.enumName, enums.insert(tag).inserted {
                for p in [ABIProperty.enumSize, .enumSignedness] { keys.append((CheckKey(.enumeration(tag), p), "enum \(tag)", nil)) }
            }
        }
        return keys
    }

    /// Every number the two measurements give differently (one compiling a check the other rejects included),
    /// in snapshot order.
    public static func compare(_ snapshot: ABISnapshot, _ a: Measurement, _ b: Measurement) -> [CompilerDisagreement] {
        var out: [CompilerDisagreement] = []
        func shown(_ m: Measurement, _ key: CheckKey) -> String? {
            if let v = m.value(key) { return String(v) }
            return m.failedChecks[key].map { _ in "(does not compile)" }
        }
        for (key, subject, field) in orderedKeys(snapshot) {
            guard let x = shown(a, key), let y = shown(b, key), x != y else { continue }
            out.append(CompilerDisagreement(subject: subject, field: field, property: key.property,
                                            first: (a.compilerDescription, x), second: (b.compilerDescription, y)))
        }
        return out
    }
}
