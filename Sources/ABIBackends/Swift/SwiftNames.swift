import ABIModel

// Swift names for C names: keywords, reserved members, sanitizing, and which records Swift can lay out.
extension SwiftEmitter {
    /// Swift keywords: written in backticks when they name a member, never used as a type or global name.
    static let swiftKeywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static",
        "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do",
        "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while",
        "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "_",
    ]
    /// Member names a field cannot take: the record's own members and the `ABILayout` helpers it calls.
    static let reservedMembers: Set<String> = [
        "storage", "size", "alignment", "abiFields", "abiFieldTable", "init", "Type", "Protocol", "self", "Self", "_",
        "abiLoad", "abiStore", "abiLoadBits", "abiStoreBits", "abiLoadBitsBigEndian", "abiStoreBitsBigEndian", "abiWithTail", "abiWithMutableTail", "InlineArray",
        "precondition", "Int8", "Int16", "Int32", "Int64", "Int128", "UInt8", "UInt16", "UInt32", "UInt64", "UInt128",
        "Float", "Double",
    ]
    /// Members of a generated enum type an enumerator cannot take.
    static let reservedEnumMembers: Set<String> = [
        "rawValue", "init", "Type", "Protocol", "self", "Self", "_", "hashValue", "hash", "RawValue",
    ]
    /// Names the generated file uses at top level: a record, enum or constant must not shadow them.
    static let reservedGlobals: Set<String> = swiftKeywords.union([
        "ABIField", "ABILayout", "Swift", "Type", "Protocol", "Int", "UInt", "Int8", "Int16", "Int32", "Int64", "Int128",
        "UInt8", "UInt16", "UInt32", "UInt64", "UInt128", "Float", "Double", "Bool", "String", "Character", "Array",
        "Optional", "Never", "Void", "Error", "AnyObject", "InlineArray", "Sendable", "Equatable", "Hashable", "Hasher",
        "Comparable", "RawRepresentable", "BitwiseCopyable", "Copyable", "Escapable", "CustomStringConvertible",
        "UnsafeRawBufferPointer", "UnsafeMutableRawBufferPointer", "MemoryLayout", "withUnsafeBytes",
        "withUnsafeMutableBytes", "precondition", "fatalError", "print", "type", "Storage", "T", "R",
    ])

    /// `s` as a Swift identifier: characters outside `[A-Za-z0-9_]` become `_`, and a leading digit gets a `_` before it.
    static func sanitized(_ s: String) -> String {
        if SnapshotText.isIdentifier(s) { return s }
        var out = ""
        for u in s.unicodeScalars {
            let ok = (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "_"
            out.unicodeScalars.append(ok ? u : "_")
        }
        if let f = out.unicodeScalars.first, f >= "0" && f <= "9" { out = "_" + out }
        return out.isEmpty ? "_" : out
    }

    /// `[0-9]`.
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// Whether `s` has a `.` (a flattened member name). ASCII names (all of them in practice) are searched byte by byte.
    static func hasDot(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 < 0x80 } ? s.utf8.contains(UInt8(ascii: ".")) : s.contains(".")
    }

    /// `s` with each `.` replaced by `joiner`; ASCII names byte by byte.
    static func replacingDots(_ s: String, with joiner: String) -> String {
        guard s.utf8.allSatisfy({ $0 < 0x80 }) else { return s.replacingOccurrences(of: ".", with: joiner) }
        guard s.utf8.contains(UInt8(ascii: ".")) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        for b in s.utf8 {
            if b == UInt8(ascii: ".") { out += joiner.utf8 } else { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `name` written as a declaration or reference: keywords in backticks.
    static func spelled(_ name: String) -> String { swiftKeywords.contains(name) ? "`\(name)`" : name }

    /// A Swift identifier for a C member name (dots become underscores; reserved names get `_` appended).
    public static func identifier(_ cName: String) -> String {
        var s = sanitized(replacingDots(cName, with: "_"))
        while reservedMembers.contains(s) { s += "_" }
        return spelled(s)
    }

    /// Swift identifiers for a record's fields, by index, without backticks; unique within the record and never a
    /// reserved member. Plain C names keep their name when they can; a reserved one gets `_` appended until free, and
    /// a flattened `csum.start` next to a real `csum_start` becomes `csum__start`.
    static func memberNames(for r: Record) -> [String] {
        var used = reservedMembers
        var ids = [String?](repeating: nil, count: r.fields.count)
        func claim(_ base: String) -> String {
            var c = base
            while used.contains(c) { c += "_" }
            used.insert(c)
            return c
        }
        // Plain names first (they keep their C name), then reserved ones, then flattened dotted ones.
        for (i, f) in r.fields.enumerated() where !hasDot(f.name) {
            let s = sanitized(f.name)
            if !used.contains(s) { used.insert(s); ids[i] = s }
        }
        for (i, f) in r.fields.enumerated() where ids[i] == nil && !hasDot(f.name) { ids[i] = claim(sanitized(f.name)) }
        for (i, f) in r.fields.enumerated() where ids[i] == nil {
            var joiner = "_"
            var candidate = sanitized(replacingDots(f.name, with: joiner))
            var tries = 0
            while used.contains(candidate) && tries < 8 {
                joiner += "_"
                tries += 1
                candidate = sanitized(replacingDots(f.name, with: joiner))
            }
            ids[i] = claim(candidate)
        }
        return ids.map { $0 ?? "_" }
    }

    /// Swift identifiers for a record's fields, by C name (the first field of a name wins), keywords in backticks.
    public static func identifiers(for r: Record) -> [String: String] {
        var out: [String: String] = [:]
        for (f, id) in zip(r.fields, memberNames(for: r)) where out[f.name] == nil { out[f.name] = spelled(id) }
        return out
    }
}


/// The Swift names of a snapshot's top-level declarations and which records Swift can lay out.
///
/// Records, enum types and loose constants share Swift's one global namespace (C keeps tags apart from
/// ordinary identifiers): names are claimed in that order, sorted, so a record keeps its C name first.
struct SwiftNames: Sendable {
    /// Swift type name of each emitted record (struct or namespace), by C record name.
    var recordTypes: [String: String] = [:]
    /// Records emitted as value types (not namespaces): only these can be the type of an accessor.
    var valueTypes: [String: (type: String, size: Int)] = [:]
    /// Swift type name of each named enum, by C tag.
    var enumTypes: [String: String] = [:]
    /// Swift name of each loose constant (anonymous enumerator or macro), by C name.
    var constants: [String: String] = [:]
    /// Records not emitted, with the reason.
    var unsupported: [Unsupported] = []

    init(_ s: ABISnapshot) {
        var used = SwiftEmitter.reservedGlobals
        func claim(_ name: String) -> String {
            var c = SwiftEmitter.sanitized(name)
            while used.contains(c) { c += "_" }
            used.insert(c)
            return c
        }
        let supported = SwiftEmitter.storageAlignments(target: s.target)
        let target = SwiftEmitter.oneLine(s.target)
        for r in s.records where recordTypes[r.name] == nil {
            if let why = SwiftEmitter.unsupportedReason(r, supported: supported, target: target) {
                unsupported.append(Unsupported(name: r.cName, reason: why))
                continue
            }
            let t = claim(r.name)
            recordTypes[r.name] = t
            if !(r.size == 0 && r.alignment > 1) { valueTypes[r.name] = (t, r.size) }
        }
        for c in s.constants {
            guard let e = c.enumName, enumTypes[e] == nil else { continue }
            enumTypes[e] = claim(e)
        }
        for c in s.constants where c.enumName == nil && constants[c.name] == nil { constants[c.name] = claim(c.name) }
        unsupported.sort { ($0.name, $0.reason) < ($1.name, $1.reason) }
    }
}

extension SwiftEmitter {
    /// Whether the target is 64-bit (where Swift's `UInt128` is 16-byte aligned; on 32-bit targets it is two
    /// `UInt64` words, 8-byte aligned).
    static func is64Bit(target: String) -> Bool {
        if let known = LinuxTarget.named(target) { return known.pointerSize == 8 }
        let arch = target.split(separator: "-").first.map(String.init) ?? target
        if target.hasSuffix("x32") { return false }
        return ["x86_64", "amd64", "aarch64", "arm64", "powerpc64", "powerpc64le", "ppc64", "ppc64le", "s390x", "riscv64",
                "mips64", "mips64el", "loongarch64", "sparcv9", "sparc64", "wasm64"].contains(arch)
    }

    /// The alignments a Swift struct can have through its storage word on this target: Swift's `UInt8` … `UInt64`
    /// are naturally aligned on every target; `UInt128` is 16-byte aligned on 64-bit targets only.
    static func storageAlignments(target: String) -> Set<Int> {
        is64Bit(target: target) ? [1, 2, 4, 8, 16] : [1, 2, 4, 8]
    }

    /// The largest record emitted (as validated snapshots allow): 4 GiB.
    static let maxRecordSize = 1 << 32

    /// Why a record cannot be emitted; nil when it can.
    static func unsupportedReason(_ r: Record, supported: Set<Int>, target: String) -> String? {
        guard r.size >= 0 else { return "size \(r.size) is negative" }
        guard r.alignment >= 1 else { return "alignment \(r.alignment) is not positive" }
        guard r.size <= maxRecordSize else { return "size \(r.size) exceeds abigen's limit of \(maxRecordSize) bytes (4 GiB)" }
        if r.size == 0 && r.alignment > 1 { return nil }   // a namespace of offsets
        guard supported.contains(r.alignment) else {
            return "alignment \(r.alignment) cannot be expressed in Swift on \(target) (a Swift struct there can be aligned to "
                + supported.sorted().map(String.init).joined(separator: ", ") + ")"
        }
        guard r.size % r.alignment == 0 else { return "size \(r.size) is not a multiple of its alignment \(r.alignment)" }
        return nil
    }
}
