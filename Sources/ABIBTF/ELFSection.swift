extension BTFFile {
    /// Reads fixed-size words of either byte order from a byte array (the ELF header and section table).
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
