import Foundation

/// A BTF blob that cannot be read: names the file and the problem, on one line.
public struct BTFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file at fault, as given.
    public var file: String
    /// What is wrong with it.
    public var message: String
    /// Makes an error for `file`.
    public init(file: String, message: String) { self.file = file; self.message = message }
    /// `FILE: problem`, on one line.
    public var description: String { "\(file): \(message)" }
}

/// The BTF type kinds (the numbers of `BTF_KIND_*`).
public enum BTFKind: UInt8, Sendable, CaseIterable {
    /// One case per `BTF_KIND_*` value; `void` is type id 0, never a record in the file.
    case void = 0, int = 1, pointer = 2, array = 3, `struct` = 4, union = 5, `enum` = 6, forward = 7, typedef = 8
    /// The kinds from VOLATILE on.
    case volatile = 9, const = 10, restrict = 11, function = 12, functionProto = 13, variable = 14, dataSection = 15
    /// The kinds from FLOAT on.
    case float = 16, declTag = 17, typeTag = 18, enum64 = 19

    /// CONST, VOLATILE or RESTRICT.
    public var isQualifier: Bool { self == .const || self == .volatile || self == .restrict }
    /// STRUCT, UNION, ENUM or ENUM64: types C names with a tag.
    public var isTag: Bool { self == .struct || self == .union || self == .enum || self == .enum64 }

    /// The kind's name as the kernel documentation writes it (`STRUCT`).
    public var label: String {
        switch self {
        case .void: return "VOID"
        case .int: return "INT"
        case .pointer: return "PTR"
        case .array: return "ARRAY"
        case .struct: return "STRUCT"
        case .union: return "UNION"
        case .enum: return "ENUM"
        case .forward: return "FWD"
        case .typedef: return "TYPEDEF"
        case .volatile: return "VOLATILE"
        case .const: return "CONST"
        case .restrict: return "RESTRICT"
        case .function: return "FUNC"
        case .functionProto: return "FUNC_PROTO"
        case .variable: return "VAR"
        case .dataSection: return "DATASEC"
        case .float: return "FLOAT"
        case .declTag: return "DECL_TAG"
        case .typeTag: return "TYPE_TAG"
        case .enum64: return "ENUM64"
        }
    }
}

/// One member of a struct or union, one parameter of a function prototype, or one enumerator.
public struct BTFMember: Sendable, Equatable {
    /// Offset of the name in the string section (0: no name).
    public var nameOffset: UInt32
    /// Member or parameter type id (0 for enumerators, and for the `...` of a variadic prototype).
    public var type: UInt32
    /// Members: the raw offset word (bit offset, or with the kind flag bitfield size << 24 | bit offset).
    /// Enumerators: the value's bit pattern (ENUM: 32 bits, ENUM64: 64 bits).
    public var value: UInt64
}

/// One decoded BTF type record.
public struct BTFType: Sendable, Equatable {
    /// The kind.
    public var kind: BTFKind
    /// Offset of the name in the string section (0: anonymous).
    public var nameOffset: UInt32
    /// The `kind_flag` bit: bitfield encoding for STRUCT/UNION, union for FWD, signedness for ENUM/ENUM64.
    public var kindFlag: Bool
    /// Size in bytes (INT, ENUM, ENUM64, STRUCT, UNION, FLOAT, DATASEC) or referenced type id (the others).
    public var sizeOrType: UInt32
    /// INT: the encoding word (encoding << 24 | offset << 16 | bits). ARRAY: element count. DECL_TAG: component index.
    public var extra: UInt32
    /// ARRAY: the element type id (and ``extra`` the count).
    public var arrayElement: UInt32
    /// ARRAY: the index type id.
    public var arrayIndex: UInt32
    /// Where this type's members start in the file's member table (see ``BTFFile/members(of:)``).
    var memberStart: Int
    /// STRUCT/UNION members, FUNC_PROTO parameters, ENUM/ENUM64 enumerators, DATASEC entries: how many.
    public var memberCount: Int

    /// INT: number of value bits.
    public var intBits: UInt32 { extra & 0xff }
    /// INT: bit offset of the value (old bitfield encoding).
    public var intOffset: UInt32 { (extra >> 16) & 0xff }
    /// INT: signed.
    public var intSigned: Bool { (extra >> 24) & 1 != 0 }
    /// INT: a `_Bool`.
    public var intBool: Bool { (extra >> 24) & 4 != 0 }
}

/// A decoded BTF blob: its types and strings, from a raw file (`/sys/kernel/btf/vmlinux`) or an ELF object's `.BTF` section.
public struct BTFFile: Sendable {
    /// The path named in messages.
    public let path: String
    /// True when the blob is little-endian.
    public let littleEndian: Bool
    /// Types by id; index 0 is `void`.
    public let types: [BTFType]
    /// Every type's members, one after another.
    let memberTable: [BTFMember]
    /// The string section.
    let strings: [UInt8]
    /// For a `.BTF` section of an ELF object: the object's machine, class and byte order.
    public let elf: ELFIdentity?

    /// The machine an ELF object was built for.
    public struct ELFIdentity: Sendable, Equatable {
        /// `e_machine`.
        public var machine: UInt16
        /// True for ELFCLASS64.
        public var is64Bit: Bool
        /// True for ELFDATA2LSB.
        public var littleEndian: Bool
    }

    /// The largest file read (1 GiB; the running kernel's BTF is a few MB).
    public static let maxFileSize = 1 << 30

    /// The largest type id BTF allows (`BTF_MAX_TYPE`).
    public static let maxTypeID = 0x000f_ffff

    /// Reads the file at `path`: a raw BTF blob, or an ELF object with a `.BTF` section.
    public init(path: String) throws {
        // A regular file of sane size only: a FIFO or /dev/zero would never end, a directory has no contents.
        // stat follows symbolic links (a link to /sys/kernel/btf/vmlinux is fine); the link itself is not what is read.
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw BTFError(file: path, message: "cannot read the file")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw BTFError(file: path, message: "not a regular file")
        }
        if info.st_size > BTFFile.maxFileSize {
            throw BTFError(file: path, message: "file of \(info.st_size) bytes is larger than the \(BTFFile.maxFileSize) bytes a BTF blob may have here")
        }
        try self.init(bytes: try BTFFile.readAll(path, expected: Int(info.st_size)), path: path)
    }

    /// The whole file in few large reads (sysfs hands out 4 KiB a read to a small buffer); at most ``maxFileSize`` bytes.
    static func readAll(_ path: String, expected: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BTFError(file: path, message: "cannot read the file") }
        defer { close(fd) }
        // One byte more than stat said, so the common case ends with a read of 0 bytes and no growth.
        var buffer = [UInt8](repeating: 0, count: min(max(expected, 0), maxFileSize) + 1)
        var count = 0
        while true {
            if count == buffer.count {
                guard count <= maxFileSize else {
                    throw BTFError(file: path, message: "file is larger than the \(maxFileSize) bytes a BTF blob may have here")
                }
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress.map { $0 + count }, raw.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BTFError(file: path, message: "cannot read the file")
            }
            if n == 0 { break }
            count += n
        }
        buffer.removeLast(buffer.count - count)
        return buffer
    }

    /// Decodes `bytes` (a raw blob, or an ELF object holding `.BTF`); `path` names the file in errors.
    public init(bytes: [UInt8], path: String) throws {
        self.path = path
        if bytes.count >= 4, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 {
            let (range, identity) = try ELFSection.find(".BTF", in: bytes, file: path)
            self.elf = identity
            let blob = Array(bytes[range])
            (littleEndian, types, memberTable, strings) = try BTFFile.decode(blob, file: path)
        } else {
            self.elf = nil
            (littleEndian, types, memberTable, strings) = try BTFFile.decode(bytes, file: path)
        }
    }

    /// The NUL-terminated string at `offset` of the string section ("" when out of range; loading checked every offset).
    public func string(at offset: UInt32) -> String {
        let start = Int(offset)
        guard start < strings.count else { return "" }
        return strings.withUnsafeBufferPointer { all in
            let rest = UnsafeBufferPointer(rebasing: all[start...])
            let length = rest.firstIndex(of: 0) ?? rest.count
            return String(decoding: UnsafeBufferPointer(rebasing: rest[..<length]), as: UTF8.self)
        }
    }

    /// True when the NUL-terminated name at `offset` matches a shell glob (`*`, `?`) given as UTF-8 bytes.
    func nameMatches(_ offset: UInt32, glob p: [UInt8]) -> Bool {
        let t = strings
        let start = Int(offset)
        guard start < t.count else { return false }
        var pi = 0, ti = start, star = -1, mark = start
        while ti < t.count && t[ti] != 0 {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) { pi += 1; ti += 1 }
            else if pi < p.count && p[pi] == UInt8(ascii: "*") { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// True when the NUL-terminated name at `offset` starts with `prefix` (UTF-8 bytes), without making a String.
    func nameHasPrefix(_ offset: UInt32, _ prefix: [UInt8]) -> Bool {
        let t = strings
        let start = Int(offset)
        guard start < t.count, prefix.count <= t.count - start else { return false }
        for (i, b) in prefix.enumerated() where t[start + i] != b { return false }
        return true
    }

    /// The name of type `id` ("" for anonymous types and ids out of range).
    public func name(of id: UInt32) -> String {
        guard Int(id) < types.count else { return "" }
        return string(at: types[Int(id)].nameOffset)
    }

    /// The members (parameters, enumerators) of type `id`; empty when out of range.
    public func members(of id: UInt32) -> ArraySlice<BTFMember> {
        guard Int(id) < types.count else { return [] }
        let t = types[Int(id)]
        return memberTable[t.memberStart..<(t.memberStart + t.memberCount)]
    }

    /// The type with this id, or nil when out of range.
    public func type(_ id: UInt32) -> BTFType? {
        Int(id) < types.count ? types[Int(id)] : nil
    }

    // MARK: decoding

    struct Cursor {
        let bytes: [UInt8]
        let little: Bool
        func u32(_ at: Int) -> UInt32 {
            let b0 = UInt32(bytes[at]), b1 = UInt32(bytes[at + 1]), b2 = UInt32(bytes[at + 2]), b3 = UInt32(bytes[at + 3])
            return little ? (b0 | b1 << 8 | b2 << 16 | b3 << 24) : (b3 | b2 << 8 | b1 << 16 | b0 << 24)
        }
        func u16(_ at: Int) -> UInt16 {
            let b0 = UInt16(bytes[at]), b1 = UInt16(bytes[at + 1])
            return little ? (b0 | b1 << 8) : (b1 | b0 << 8)
        }
    }

    static func decode(_ blob: [UInt8], file: String) throws -> (Bool, [BTFType], [BTFMember], [UInt8]) {
        try blob.withUnsafeBytes { raw in try decode(raw, file: file) }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, file: String) throws -> (Bool, [BTFType], [BTFMember], [UInt8]) {
        func fail(_ m: String) -> BTFError { BTFError(file: file, message: m) }
        guard raw.count >= 24 else { throw fail("truncated BTF header (\(raw.count) bytes, need 24)") }
        let little: Bool
        if raw[0] == 0x9f && raw[1] == 0xeb { little = true } else if raw[0] == 0xeb && raw[1] == 0x9f { little = false } else {
            throw fail(String(format: "not BTF: magic 0x%02x%02x, expected 0xeb9f", raw[1], raw[0]))
        }
        // Every read below is at an offset checked against the buffer's size first.
        func u32(_ at: Int) -> UInt32 {
            let v = raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        guard raw[2] == 1 else { throw fail("unsupported BTF version \(raw[2]) (only version 1 is known)") }
        let hdrLen = Int(u32(4))
        guard hdrLen >= 24 else { throw fail("BTF header length \(hdrLen) is shorter than the 24-byte header") }
        guard hdrLen <= raw.count else { throw fail("BTF header length \(hdrLen) exceeds the \(raw.count)-byte blob") }
        let typeOff = Int(u32(8)), typeLen = Int(u32(12)), strOff = Int(u32(16)), strLen = Int(u32(20))
        func section(_ name: String, _ off: Int, _ len: Int) throws -> Range<Int> {
            let (start, o1) = hdrLen.addingReportingOverflow(off)
            let (end, o2) = start.addingReportingOverflow(len)
            guard !o1, !o2, end <= raw.count else {
                throw fail("\(name) section (offset \(off), length \(len) after a \(hdrLen)-byte header) runs past the end of the \(raw.count)-byte blob")
            }
            return start..<end
        }
        let typeRange = try section("type", typeOff, typeLen)
        let strRange = try section("string", strOff, strLen)
        guard !strRange.isEmpty, raw[strRange.lowerBound] == 0 else { throw fail("string section is empty or does not start with a NUL byte") }
        guard raw[strRange.upperBound - 1] == 0 else { throw fail("string section does not end with a NUL byte") }
        let strings = Array(raw[strRange])
        let strCount = UInt32(strings.count)
        if let bad = strings.firstIndex(where: { ($0 < 0x20 && $0 != 0) || $0 == 0x7f }) {
            throw fail("string section holds a control character at offset \(bad)")
        }

        var types: [BTFType] = [BTFType(kind: .void, nameOffset: 0, kindFlag: false, sizeOrType: 0, extra: 0, arrayElement: 0, arrayIndex: 0, memberStart: 0, memberCount: 0)]
        types.reserveCapacity(typeLen / 24 + 1)
        var members: [BTFMember] = []
        members.reserveCapacity(typeLen / 16)
        var at = typeRange.lowerBound
        let end = typeRange.upperBound
        // The message is built only on failure: interpolating it for each of 100,000 types costs more than decoding them.
        func need(_ n: Int, _ what: @autoclosure () -> String) throws {
            let (e, o) = at.addingReportingOverflow(n)
            guard !o, e <= end else { throw fail("type section truncated inside \(what()) of type id \(types.count)") }
        }
        while at < end {
            guard types.count <= maxTypeID else { throw fail("more than \(maxTypeID) types") }
            try need(12, "the type header")
            let nameOff = u32(at), info = u32(at + 4), sizeOrType = u32(at + 8)
            at += 12
            let rawKind = UInt8((info >> 24) & 0x1f)
            guard let kind = BTFKind(rawValue: rawKind), kind != .void else {
                throw fail("type id \(types.count) has unknown kind \(rawKind)")
            }
            let vlen = Int(info & 0xffff)
            var t = BTFType(kind: kind, nameOffset: nameOff, kindFlag: info >> 31 != 0, sizeOrType: sizeOrType, extra: 0,
                            arrayElement: 0, arrayIndex: 0, memberStart: members.count, memberCount: 0)
            switch kind {
            case .int, .variable, .declTag:
                try need(4, "the \(kind.label) data")
                t.extra = u32(at)
                at += 4
            case .array:
                try need(12, "the ARRAY data")
                t.arrayElement = u32(at)
                t.arrayIndex = u32(at + 4)
                t.extra = u32(at + 8)
                at += 12
            case .struct, .union:
                try need(vlen * 12, "the \(kind.label) members")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: u32(at), type: u32(at + 4), value: UInt64(u32(at + 8))))
                    at += 12
                }
                t.memberCount = vlen
            case .dataSection:
                try need(vlen * 12, "the DATASEC entries")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: 0, type: u32(at), value: UInt64(u32(at + 4))))
                    at += 12
                }
                t.memberCount = vlen
            case .enum:
                try need(vlen * 8, "the ENUM values")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: u32(at), type: 0, value: UInt64(u32(at + 4))))
                    at += 8
                }
                t.memberCount = vlen
            case .enum64:
                try need(vlen * 12, "the ENUM64 values")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: u32(at), type: 0, value: UInt64(u32(at + 4)) | UInt64(u32(at + 8)) << 32))
                    at += 12
                }
                t.memberCount = vlen
            case .functionProto:
                try need(vlen * 8, "the FUNC_PROTO parameters")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: u32(at), type: u32(at + 4), value: 0))
                    at += 8
                }
                t.memberCount = vlen
            case .void, .pointer, .forward, .typedef, .volatile, .const, .restrict, .function, .float, .typeTag:
                break
            }
            types.append(t)
        }
        // Every name offset inside the string section, every referenced type id inside the type table.
        let count = UInt32(types.count)
        for (index, t) in types.enumerated() {
            guard t.nameOffset < strCount else {
                throw fail("type id \(index) has name offset \(t.nameOffset) beyond the \(strCount)-byte string section")
            }
            func checkID(_ id: UInt32, _ role: String) throws {
                guard id < count else { throw fail("type id \(index) (\(t.kind.label)) refers to \(role) type id \(id), but the file has only \(count) types") }
            }
            switch t.kind {
            case .pointer, .typedef, .volatile, .const, .restrict, .function, .variable, .declTag, .typeTag:
                try checkID(t.sizeOrType, "its")
            case .functionProto:
                try checkID(t.sizeOrType, "a return")
            case .array:
                try checkID(t.arrayElement, "an element")
                try checkID(t.arrayIndex, "an index")
            default:
                break
            }
            for m in members[t.memberStart..<(t.memberStart + t.memberCount)] {
                guard m.nameOffset < strCount else {
                    throw fail("type id \(index) has a member name offset \(m.nameOffset) beyond the \(strCount)-byte string section")
                }
                try checkID(m.type, "a member")
            }
        }
        return (little, types, members, strings)
    }
}

/// A minimal ELF section finder (ELF32/ELF64, both byte orders), enough to locate `.BTF`.
enum ELFSection {
    static func find(_ wanted: String, in bytes: [UInt8], file: String) throws -> (Range<Int>, BTFFile.ELFIdentity) {
        func fail(_ m: String) -> BTFError { BTFError(file: file, message: m) }
        guard bytes.count >= 52 else { throw fail("truncated ELF header (\(bytes.count) bytes)") }
        let is64: Bool
        switch bytes[4] {
        case 1: is64 = false
        case 2: is64 = true
        default: throw fail("ELF class \(bytes[4]) is neither 32- nor 64-bit")
        }
        let little: Bool
        switch bytes[5] {
        case 1: little = true
        case 2: little = false
        default: throw fail("ELF data encoding \(bytes[5]) is neither little- nor big-endian")
        }
        guard !is64 || bytes.count >= 64 else { throw fail("truncated ELF header (\(bytes.count) bytes)") }
        let c = BTFFile.Cursor(bytes: bytes, little: little)
        func word(_ at: Int) -> UInt64 {
            guard is64 else { return UInt64(c.u32(at)) }
            let a = UInt64(c.u32(at)), b = UInt64(c.u32(at + 4))
            return little ? a | b << 32 : a << 32 | b
        }
        let machine = c.u16(18)
        let shoff = word(is64 ? 0x28 : 0x20)
        let shentsize = Int(c.u16(is64 ? 0x3a : 0x2e))
        let shnum = Int(c.u16(is64 ? 0x3c : 0x30))
        let shstrndx = Int(c.u16(is64 ? 0x3e : 0x32))
        let identity = BTFFile.ELFIdentity(machine: machine, is64Bit: is64, littleEndian: little)
        let minEntry = is64 ? 64 : 40
        guard shnum > 0 else { throw fail("ELF object has no section headers, so no .BTF section") }
        guard shentsize >= minEntry else { throw fail("ELF section header size \(shentsize) is too small") }
        guard shoff < UInt64(bytes.count), case let (tableBytes, o1) = shentsize.multipliedReportingOverflow(by: shnum), !o1,
              case let (tableEnd, o2) = Int(shoff).addingReportingOverflow(tableBytes), !o2, tableEnd <= bytes.count else {
            throw fail("ELF section header table (offset \(shoff), \(shnum) entries) runs past the end of the \(bytes.count)-byte file")
        }
        func header(_ i: Int) -> (name: UInt32, type: UInt32, flags: UInt64, offset: UInt64, size: UInt64) {
            let at = Int(shoff) + i * shentsize
            if is64 { return (c.u32(at), c.u32(at + 4), word(at + 8), word(at + 24), word(at + 32)) }
            return (c.u32(at), c.u32(at + 4), UInt64(c.u32(at + 8)), UInt64(c.u32(at + 16)), UInt64(c.u32(at + 20)))
        }
        func range(_ off: UInt64, _ size: UInt64, _ what: String) throws -> Range<Int> {
            let (end, o) = off.addingReportingOverflow(size)
            guard !o, end <= UInt64(bytes.count) else { throw fail("ELF \(what) (offset \(off), size \(size)) runs past the end of the \(bytes.count)-byte file") }
            return Int(off)..<Int(end)
        }
        guard shstrndx < shnum else { throw fail("ELF section name table index \(shstrndx) is out of range (\(shnum) sections)") }
        let names = header(shstrndx)
        let nameRange = try range(names.offset, names.size, "section name table")
        let want = Array(wanted.utf8)
        for i in 0..<shnum {
            let h = header(i)
            guard h.type != 8 else { continue }   // SHT_NOBITS
            let (start, o) = nameRange.lowerBound.addingReportingOverflow(Int(h.name))
            guard !o, start < nameRange.upperBound else { continue }
            let (wantEnd, o2) = start.addingReportingOverflow(want.count)
            guard !o2, wantEnd < nameRange.upperBound, bytes[wantEnd] == 0, Array(bytes[start..<wantEnd]) == want else { continue }
            guard h.flags & 0x800 == 0 else { throw fail("the \(wanted) section is compressed (SHF_COMPRESSED), which is not supported") }
            return (try range(h.offset, h.size, "\(wanted) section"), identity)
        }
        throw fail("ELF object has no \(wanted) section")
    }
}
