import Foundation

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
        let start = Int(offset)
        guard start < strings.count else { return false }
        return strings.withUnsafeBufferPointer { all in btfGlobMatch(p, UnsafeBufferPointer(rebasing: all[start...])) }
    }

    /// True when the name at `offset` is empty (or out of range), without making a String.
    func isEmptyName(_ offset: UInt32) -> Bool {
        let i = Int(offset)
        return i >= strings.count || strings[i] == 0
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
}
