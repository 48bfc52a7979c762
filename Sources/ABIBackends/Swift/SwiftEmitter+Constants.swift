import ABIModel

// Constants (enum types, anonymous enumerators, integer macros) and the closing notes.
extension SwiftEmitter {
    /// A Swift literal for `value` as an integer of this size and signedness (two's complement wrap); size 1, 2, 4 or 8.
    static func literal(_ value: IntegerValue, size: Int, signed: Bool) -> String {
        let bits = UInt64(max(1, min(size, 8)) * 8)
        let mask: UInt64 = bits >= 64 ? ~0 : (1 << bits) - 1
        let pattern = value.bitPattern & mask
        if signed {
            let signBit: UInt64 = 1 << (bits - 1)
            if pattern & signBit != 0 {
                let magnitude = (~pattern &+ 1) & mask
                return "-\(magnitude)"
            }
        }
        return String(pattern)
    }

    /// The Swift type and literal of a C integer value of this size and signedness. Sizes 1…8 wrap as C does; 16 is
    /// the exact value (two's complement for a negative value of an unsigned type); any other size (which no C
    /// integer type has) is the exact value as `Int128`.
    static func typedLiteral(_ value: IntegerValue, size: Int, signed: Bool) -> (type: String, literal: String) {
        switch size {
        case 1, 2, 4, 8:
            return (integerType(size: size, signed: signed) ?? "Int64", literal(value, size: size, signed: signed))
        case 16:
            if signed { return ("Int128", value.description) }
            switch value {
            case .signed(let v) where v < 0: return ("UInt128", String(UInt128(bitPattern: Int128(v))))
            default: return ("UInt128", value.description)
            }
        default:
            return ("Int128", value.description)
        }
    }

    mutating func renderConstants() {
        let a = access
        let constants = snapshot.constants
        var named: [String: [Int]] = [:]   // indexes into `constants`: a Constant is too big to copy around
        for (i, c) in constants.enumerated() { if let e = c.enumName { named[e, default: []].append(i) } }
        for name in named.keys.sorted() {
            guard let members = named[name], let firstIndex = members.first, let typeName = names.enumTypes[name] else { continue }
            let first = constants[firstIndex]
            let et = first.enumType ?? IntegerType(spelling: first.type, size: first.size, signed: first.signed)
            let raw = Self.typedLiteral(.signed(0), size: et.size, signed: et.signed).type
            let renamed = typeName != name ? " Swift name `\(typeName)`: `\(Self.oneLine(name))` is taken or reserved in Swift." : ""
            line("/// `enum \(Self.oneLine(name))` (\(Self.oneLine(first.header))): \(members.count) enumerators, C type `\(Self.oneLine(et.spelling))`.\(renamed)")
            line("\(a)struct \(typeName): RawRepresentable, Hashable, Sendable, BitwiseCopyable {")
            line("    /// The C value.")
            line("    \(a)var rawValue: \(raw)")
            line("    /// Wraps a C value (any value, known or not: C enums are open).")
            line("    \(a)init(rawValue: \(raw)) { self.rawValue = rawValue }")
            var used = Self.reservedEnumMembers
            for i in members.sorted(by: { (constants[$0].value.bitPattern, constants[$0].name) < (constants[$1].value.bitPattern, constants[$1].name) }) {
                let c = constants[i]
                var id = Self.sanitized(c.name)
                while used.contains(id) { id += "_" }
                used.insert(id)
                line("    /// `\(Self.oneLine(c.name))` = \(c.value)")
                line("    \(a)static let \(Self.spelled(id)) = Self(rawValue: \(Self.typedLiteral(c.value, size: et.size, signed: et.signed).literal))")
            }
            line("}")
            line()
        }
        let hasLoose = constants.contains { $0.enumName == nil }
        if hasLoose {
            line("// MARK: Constants (anonymous enumerators and integer macros)")
            line()
        }
        var seen = Set<String>()
        for c in constants where c.enumName == nil && seen.insert(c.name).inserted {
            guard let id = names.constants[c.name] else { continue }
            let (t, lit) = Self.typedLiteral(c.value, size: c.size, signed: c.signed)
            let what = c.origin == .macro ? "`#define \(Self.oneLine(c.name)) \(Self.oneLine(c.definition ?? ""))`" : "`\(Self.oneLine(c.name))` (anonymous enum)"
            let renamed = id != c.name ? " Swift name `\(id)`: `\(Self.oneLine(c.name))` is taken or reserved in Swift." : ""
            line("/// \(what): `\(Self.oneLine(c.type))` \(c.value).\(renamed)")
            line("\(a)let \(id): \(t) = \(lit)")
        }
        if hasLoose { line() }
    }

    mutating func renderNotes() {
        if !snapshot.skippedMacros.isEmpty {
            line("// Macros that are not integer constants (not emitted, never guessed):")
            for m in snapshot.skippedMacros {
                line("//   \(Self.oneLine(m.name)) = \(Self.oneLine(m.definition.isEmpty ? "(empty)" : m.definition)): \(Self.oneLine(m.reason))")
            }
            line()
        }
        let unsupported = (snapshot.unsupported + names.unsupported).sorted { ($0.name, $0.reason) < ($1.name, $1.reason) }
        if !unsupported.isEmpty {
            line("// Declarations abigen cannot represent:")
            for u in unsupported { line("//   \(Self.oneLine(u.name)): \(Self.oneLine(u.reason))") }
            line()
        }
    }
}
