import ABIBackends
import ABIModel

/// Small builders for hand-made snapshots: the differ's input is the model, so these tests state layouts directly.
enum Make {
    /// An integer member (`__u32` by default) at `offset`.
    static func field(_ name: String, _ offset: Int, _ size: Int = 4, _ spelling: String? = nil, canonical: String? = nil,
                      signed: Bool = false, array: [Int]? = nil, bits: (Int, Int)? = nil, anon: [Int]? = nil) -> Field {
        let scalar = array.map { size / max(1, $0.reduce(1, *)) } ?? size
        let spelled = spelling ?? "__\(signed ? "s" : "u")\(scalar * 8)" + (array.map { $0.map { "[\($0)]" }.joined() } ?? "")
        let canon = canonical ?? ([1: "char", 2: "short", 4: "int", 8: "long long"][scalar].map { signed ? $0 : "unsigned " + $0 } ?? "int")
        return Field(name: name, offset: offset, size: size, bitOffset: bits?.0, bitWidth: bits?.1,
                     type: FieldType(spelling: spelled, canonical: canon, kind: .integer, scalarSize: scalar, signed: signed,
                                     arrayDimensions: array),
                     anonymousPath: anon)
    }

    /// An anonymous member.
    static func anon(_ path: [Int], _ indexes: [Int], _ kind: RecordKind = .union, offset: Int, size: Int) -> AnonymousMember {
        AnonymousMember(path: path, fieldIndexes: indexes, kind: kind, offset: offset, size: size)
    }

    /// A record named `name` (C name `struct name` or `union name`).
    static func record(_ name: String, size: Int, alignment: Int = 8, kind: RecordKind = .struct, _ fields: [Field],
                       anonymous: [AnonymousMember] = []) -> Record {
        Record(name: name, cName: "\(kind.rawValue) \(name)", kind: kind, size: size, alignment: alignment,
               header: "test/abi.h", fields: fields, anonymousMembers: anonymous)
    }

    /// An enumerator (of an anonymous enum when `enumName` is nil).
    static func enumerator(_ name: String, _ value: Int64, enumName: String? = nil) -> Constant {
        Constant(name: name, value: .signed(value), type: "int", size: 4, signed: true,
                 origin: .enumerator, enumName: enumName, enumType: IntegerType(spelling: "unsigned int", size: 4, signed: false),
                 header: "test/abi.h")
    }

    /// An integer macro.
    static func macro(_ name: String, _ value: UInt64, type: String = "unsigned int", size: Int = 4, signed: Bool = false) -> Constant {
        Constant(name: name, value: .unsigned(value), type: type, size: size, signed: signed, origin: .macro,
                 header: "test/abi.h", definition: String(value))
    }

    /// A snapshot holding these records and constants.
    static func snapshot(_ records: [Record] = [], _ constants: [Constant] = []) -> ABISnapshot {
        var s = ABISnapshot(target: "x86_64-unknown-linux-gnu", headers: ["test/abi.h"], includeDirectories: ["/test"],
                            records: records, constants: constants)
        s.normalize()
        return s
    }
}

/// Diffs two snapshots of one record each.
func diffRecords(_ old: Record, _ new: Record) -> [ABIChange] {
    ABIDiffer.diff(old: Make.snapshot([old]), new: Make.snapshot([new]))
}

/// Diffs two constant sets.
func diffConstants(_ old: [Constant], _ new: [Constant]) -> [ABIChange] {
    ABIDiffer.diff(old: Make.snapshot([], old), new: Make.snapshot([], new))
}

/// `severity kind subject` strings, for compact assertions.
func summary(_ changes: [ABIChange]) -> Set<String> {
    Set(changes.map { "\($0.severity.rawValue) \($0.kind) \($0.subject)" })
}

/// Exit statuses under `--fail-on breaking` and `--fail-on any`.
func statuses(_ changes: [ABIChange]) -> (breaking: Int32, any: Int32) {
    (FailOn.breaking.exitStatus(for: changes), FailOn.any.exitStatus(for: changes))
}
