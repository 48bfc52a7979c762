import Foundation

/// A minimal reader for ELF relocatable objects (ELF32 and ELF64, either byte order): sections, symbols, symbol bytes.
///
/// It is all `abigen verify` needs to read a compiled probe back without running it: the probe keeps
/// every measured value as initialized data, so a symbol's bytes are the answer.
public struct ELFFile: Sendable {
    /// The machine an object was compiled for (`e_machine`).
    public enum Machine: Sendable, Equatable, CustomStringConvertible {
        case x86_64, i386, aarch64, arm, powerpc, powerpc64, s390, mips, sparcv9, m68k, riscv
        case other(UInt16)

        /// The architecture's usual name (`x86_64`, `i386`, `aarch64`, `arm`, or `machine N`).
        public var description: String {
            switch self {
            case .x86_64: return "x86_64"
            case .i386: return "i386"
            case .aarch64: return "aarch64"
            case .arm: return "arm"
            case .powerpc: return "powerpc"
            case .powerpc64: return "powerpc64"
            case .s390: return "s390"
            case .mips: return "mips"
            case .sparcv9: return "sparcv9"
            case .m68k: return "m68k"
            case .riscv: return "riscv"
            case .other(let n): return "machine \(n)"
            }
        }

        init(_ raw: UInt16) {
            switch raw {
            case 62: self = .x86_64
            case 3: self = .i386
            case 183: self = .aarch64
            case 40: self = .arm
            case 20: self = .powerpc
            case 21: self = .powerpc64
            case 22: self = .s390
            case 8: self = .mips
            case 43: self = .sparcv9
            case 4: self = .m68k
            case 243: self = .riscv
            default: self = .other(raw)
            }
        }
    }

    /// One section header.
    public struct Section: Sendable, Equatable {
        /// Section name from the section header string table.
        public var name: String
        /// `sh_type` (1 progbits, 2 symtab, 3 strtab, 8 nobits…).
        public var type: UInt32
        /// `sh_offset`: where the section's bytes start in the file.
        public var offset: Int
        /// `sh_size`.
        public var size: Int
        /// `sh_link` (for a symbol table: its string table's index).
        public var link: Int
        /// `sh_entsize`.
        public var entrySize: Int
    }

    /// One symbol table entry.
    public struct Symbol: Sendable, Equatable {
        /// Symbol name.
        public var name: String
        /// `st_value`: in a relocatable object, the offset within its section.
        public var value: Int
        /// `st_size` in bytes.
        public var size: Int
        /// `st_shndx`: the section index, or a reserved index (0 undefined, 0xfff1 absolute, 0xfff2 common).
        public var sectionIndex: Int
    }

    /// True for ELF64, false for ELF32.
    public let is64Bit: Bool
    /// True for a big-endian object (`EI_DATA` 2).
    public let isBigEndian: Bool
    /// `e_machine`.
    public let machine: Machine
    /// `e_type` (1 for relocatable objects).
    public let fileType: UInt16
    /// All section headers, by index.
    public let sections: [Section]
    /// All entries of `.symtab` (index 0, the null symbol, included).
    public let symbols: [Symbol]
    /// The index of the first defined symbol of each name.
    private let definedSymbols: [String: Int]
    let bytes: [UInt8]

    /// Reads and parses the object file at `path`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ELFError(path: path, message: "cannot read file")
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Parses an ELF image; `path` names it in errors.
    public init(bytes: [UInt8], path: String = "<memory>") throws {
        self.bytes = bytes
        func fail(_ m: String) -> ELFError { ELFError(path: path, message: m) }
        guard bytes.count >= 52, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw fail("not an ELF file")
        }
        let is64Bit: Bool
        switch bytes[4] {
        case 1: is64Bit = false
        case 2: is64Bit = true
        default: throw fail("unknown ELF class \(bytes[4])")
        }
        self.is64Bit = is64Bit
        switch bytes[5] {
        case 1: isBigEndian = false
        case 2: isBigEndian = true
        default: throw fail("unknown ELF byte order (EI_DATA \(bytes[5]))")
        }
        let r = Reader(bytes: bytes, path: path, bigEndian: isBigEndian)
        fileType = try r.u16(16)
        machine = Machine(try r.u16(18))
        let shoff, shentsize, shnumRaw, shstrndxRaw: Int
        if is64Bit {
            guard bytes.count >= 64 else { throw fail("truncated ELF header") }
            shoff = try r.int(try r.u64(0x28), "e_shoff")
            shentsize = Int(try r.u16(0x3A))
            shnumRaw = Int(try r.u16(0x3C))
            shstrndxRaw = Int(try r.u16(0x3E))
        } else {
            shoff = try r.int(UInt64(try r.u32(0x20)), "e_shoff")
            shentsize = Int(try r.u16(0x2E))
            shnumRaw = Int(try r.u16(0x30))
            shstrndxRaw = Int(try r.u16(0x32))
        }
        guard shoff > 0 else { throw fail("no section headers") }
        guard shentsize >= (is64Bit ? 64 : 40) else { throw fail("bad section header size \(shentsize)") }
        // Raw headers first; names after, once the string table is known.
        func header(_ i: Int) throws -> (nameOffset: Int, section: Section) {
            let (rel, o1) = i.multipliedReportingOverflow(by: shentsize)
            let (at, o2) = shoff.addingReportingOverflow(rel)
            guard !o1, !o2, at <= bytes.count - shentsize else { throw fail("section header \(i) lies past the end of the file") }
            let nameOffset = Int(try r.u32(at))
            let type = try r.u32(at + 4)
            let section: Section
            if is64Bit {
                section = Section(name: "", type: type, offset: try r.int(try r.u64(at + 0x18), "sh_offset"),
                                  size: try r.int(try r.u64(at + 0x20), "sh_size"), link: Int(try r.u32(at + 0x28)),
                                  entrySize: try r.int(try r.u64(at + 0x38), "sh_entsize"))
            } else {
                section = Section(name: "", type: type, offset: try r.int(UInt64(try r.u32(at + 0x10)), "sh_offset"),
                                  size: try r.int(UInt64(try r.u32(at + 0x14)), "sh_size"), link: Int(try r.u32(at + 0x18)),
                                  entrySize: try r.int(UInt64(try r.u32(at + 0x24)), "sh_entsize"))
            }
            // Every section but SHT_NOBITS and SHT_NULL has its bytes in the file.
            if type != 8 && type != 0 {
                let (end, o) = section.offset.addingReportingOverflow(section.size)
                guard !o, end <= bytes.count else {
                    throw fail("section \(i) (\(section.size) bytes at \(section.offset)) lies past the end of the file (\(bytes.count) bytes)")
                }
            }
            return (nameOffset, section)
        }
        // Extended numbering: with e_shnum == 0 the count is section 0's sh_size; SHN_XINDEX moves e_shstrndx to its sh_link.
        let first = try header(0)
        let shnum = shnumRaw == 0 ? first.section.size : shnumRaw
        let shstrndx = shstrndxRaw == 0xFFFF ? first.section.link : shstrndxRaw
        // The headers must fit in the file: checked before reading them, so a huge count cannot run long.
        let (tableSize, o1) = shnum.multipliedReportingOverflow(by: shentsize)
        let (tableEnd, o2) = shoff.addingReportingOverflow(tableSize)
        guard !o1, !o2, tableEnd <= bytes.count else {
            throw fail("\(shnum) section headers of \(shentsize) bytes at \(shoff) lie past the end of the file (\(bytes.count) bytes)")
        }
        var raw: [(nameOffset: Int, section: Section)] = [first]
        raw.reserveCapacity(shnum)
        for i in 1..<max(shnum, 1) { raw.append(try header(i)) }
        guard shstrndx < raw.count else { throw fail("bad section name table index \(shstrndx)") }
        let names = raw[shstrndx].section
        let sections = try raw.map { entry in
            var s = entry.section
            s.name = try r.cString(in: names, at: entry.nameOffset, what: "section name")
            return s
        }
        guard let symtab = sections.first(where: { $0.type == 2 }) else { throw fail("no .symtab section") }
        guard symtab.link < sections.count else { throw fail("bad .symtab string table link") }
        let strtab = sections[symtab.link]
        guard strtab.type != 8 else { throw fail("the symbol string table has no bytes in the file") }
        let entSize = is64Bit ? 24 : 16
        var syms: [Symbol] = []
        syms.reserveCapacity(symtab.size / entSize)
        for i in 0..<(symtab.size / entSize) {
            let at = symtab.offset + i * entSize   // within the section, which lies in the file
            let name = try r.cString(in: strtab, at: Int(try r.u32(at)), what: "symbol name")
            if is64Bit {
                syms.append(Symbol(name: name, value: try r.int(try r.u64(at + 8), "st_value of \(name)"),
                                   size: try r.int(try r.u64(at + 16), "st_size of \(name)"),
                                   sectionIndex: Int(try r.u16(at + 6))))
            } else {
                syms.append(Symbol(name: name, value: try r.int(UInt64(try r.u32(at + 4)), "st_value of \(name)"),
                                   size: try r.int(UInt64(try r.u32(at + 8)), "st_size of \(name)"),
                                   sectionIndex: Int(try r.u16(at + 14))))
            }
        }
        self.sections = sections
        self.symbols = syms
        var defined: [String: Int] = [:]
        defined.reserveCapacity(syms.count)
        for (i, sym) in syms.enumerated() where sym.sectionIndex != 0 && defined[sym.name] == nil { defined[sym.name] = i }
        definedSymbols = defined
    }

    /// The first symbol with this name that is defined (not undefined), if any.
    public func symbol(named name: String) -> Symbol? {
        definedSymbols[name].map { symbols[$0] }
    }

    /// The bytes of a defined data symbol: `st_size` bytes at its section's file offset plus `st_value`.
    /// Symbols in `SHT_NOBITS` sections (`.bss`) and common symbols read as zeros.
    public func contents(of name: String) throws -> [UInt8] {
        guard let sym = symbol(named: name) else { throw ELFError(path: "", message: "symbol \(name) not found") }
        if sym.sectionIndex == 0xFFF2 {                                                     // SHN_COMMON
            guard sym.size >= 0, sym.size <= Self.maxZeroFill else {
                throw ELFError(path: "", message: "symbol \(name) claims \(sym.size) bytes (more than abigen reads, \(Self.maxZeroFill))")
            }
            return [UInt8](repeating: 0, count: sym.size)
        }
        guard sym.sectionIndex < sections.count else {
            throw ELFError(path: "", message: "symbol \(name) has special section index \(sym.sectionIndex)")
        }
        let section = sections[sym.sectionIndex]
        let (end, overflow) = sym.value.addingReportingOverflow(sym.size)
        guard sym.value >= 0, !overflow, end <= section.size else {
            throw ELFError(path: "", message: "symbol \(name) (\(sym.size) bytes at \(sym.value)) lies outside its section \(section.name)")
        }
        if section.type == 8 {                                                              // SHT_NOBITS
            guard sym.size <= Self.maxZeroFill else {
                throw ELFError(path: "", message: "symbol \(name) claims \(sym.size) bytes (more than abigen reads, \(Self.maxZeroFill))")
            }
            return [UInt8](repeating: 0, count: sym.size)
        }
        // The section lies within the file (checked when parsing), and the symbol within the section.
        let (start, o1) = section.offset.addingReportingOverflow(sym.value)
        let (stop, o2) = start.addingReportingOverflow(sym.size)
        guard !o1, !o2, start >= 0, stop <= bytes.count else {
            throw ELFError(path: "", message: "symbol \(name) lies past the end of the file")
        }
        return Array(bytes[start..<stop])
    }

    /// The most bytes of zeros ``contents(of:)`` returns for a `.bss` or common symbol: 64 MiB.
    public static let maxZeroFill = 1 << 26

    struct Reader {
        let bytes: [UInt8]
        let path: String
        let bigEndian: Bool
        func check(_ at: Int, _ n: Int) throws {
            guard at >= 0, at <= bytes.count - n else {
                throw ELFError(path: path, message: "truncated: read of \(n) bytes at \(at) past end (\(bytes.count))")
            }
        }
        func u16(_ at: Int) throws -> UInt16 {
            UInt16(truncatingIfNeeded: try unsigned(at, 2))
        }
        func u32(_ at: Int) throws -> UInt32 {
            UInt32(truncatingIfNeeded: try unsigned(at, 4))
        }
        func u64(_ at: Int) throws -> UInt64 {
            try unsigned(at, 8)
        }
        /// The `n`-byte (n ≤ 8) unsigned integer at `at`, in the object's byte order.
        func unsigned(_ at: Int, _ n: Int) throws -> UInt64 {
            try check(at, n)
            var v: UInt64 = 0
            for i in 0..<n { v = v << 8 | UInt64(bytes[bigEndian ? at + i : at + n - 1 - i]) }
            return v
        }
        /// An ELF offset, size or address as an `Int`; 2^63 or more is an error.
        func int(_ v: UInt64, _ what: @autoclosure () -> String) throws -> Int {
            guard let i = Int(exactly: v) else {
                throw ELFError(path: path, message: "\(what()) \(v) is out of range")
            }
            return i
        }
        /// The NUL-terminated string at `offset` within a string table section (its bytes are in the file).
        func cString(in table: Section, at offset: Int, what: String) throws -> String {
            let (tableEnd, overflow) = table.offset.addingReportingOverflow(table.size)
            guard table.type != 8, table.offset >= 0, !overflow, tableEnd <= bytes.count else {
                throw ELFError(path: path, message: "the string table for a \(what) lies outside the file")
            }
            guard offset >= 0, offset < table.size else {
                throw ELFError(path: path, message: "\(what) offset \(offset) lies outside its string table (\(table.size) bytes)")
            }
            let start = table.offset + offset            // within the file, so no overflow
            let stop = tableEnd
            var end = start
            while end < stop, bytes[end] != 0 { end += 1 }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
    }
}

/// An object file that could not be read as an ELF relocatable object.
public struct ELFError: Error, CustomStringConvertible, Sendable {
    /// The file, when known.
    public var path: String
    /// What is wrong with it.
    public var message: String
    /// `path: message`.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Integer decoding of probe data.
extension Array where Element == UInt8 {
    /// The little-endian 64-bit words of this buffer (a trailing partial word is ignored).
    func littleEndianWords() -> [UInt64] { words(bigEndian: false) }

    /// The 64-bit words of this buffer in the given byte order (a trailing partial word is ignored).
    func words(bigEndian: Bool) -> [UInt64] {
        stride(from: 0, to: count - count % 8, by: 8).map { at in
            var v: UInt64 = 0
            for i in 0..<8 { v = v << 8 | UInt64(self[bigEndian ? at + i : at + 7 - i]) }
            return v
        }
    }
}
