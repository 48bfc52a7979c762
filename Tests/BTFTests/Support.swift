import ABIBTF
import ABIModel
import Foundation
import Testing
import TestSupport

/// Paths and helpers shared by the BTF tests.
enum Repo {
    /// The checkout's top directory.
    static let root = repositoryRoot

    /// The `abigen` binary built by `swift build`; `ABIGEN_BIN` overrides.
    static var binary: String {
        ProcessInfo.processInfo.environment["ABIGEN_BIN"] ?? root + "/.build/debug/abigen"
    }

    /// The crafted headers compiled into BTF.
    static var fixtures: String { root + "/Fixtures/btf" }

    /// A fresh temporary directory.
    static func tempDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "abigen-btf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A precondition of the test environment that does not hold.
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Output of a process run to completion (the shared runner's, TestSupport).
typealias ProcessResult = ProcessOutput

/// Runs a program (absolute path, or a name looked up on PATH), capturing its output (TestSupport's `runProgram`).
func run(_ executable: String, _ arguments: [String], cwd: String? = nil) throws -> ProcessResult {
    try runProgram(executable, arguments, cwd: cwd)
}

/// True when a program is on PATH.
func have(_ tool: String) -> Bool {
    (try? run("which", [tool]).status) == 0
}

/// The running kernel's BTF, read once (nil when the kernel does not expose it).
enum Vmlinux {
    static let path = "/sys/kernel/btf/vmlinux"
    static let file: BTFFile? = {
        guard FileManager.default.isReadableFile(atPath: path) else { return nil }
        return try? BTFFile(path: path)
    }()

    /// The file, or nil after saying in the output why the test does not run.
    static func required(_ test: String) -> BTFFile? {
        guard let f = file else {
            print("\(test): \(path) is not readable here; this test checks nothing (the object-based BTF tests still run)")
            return nil
        }
        return f
    }
}

/// One member line of pahole's output, reduced to what both tools must agree on.
struct PaholeMember: Hashable, CustomStringConvertible {
    var name: String
    var offset: Int
    var size: Int
    var bitOffset: Int?
    var bitWidth: Int?
    var description: String {
        bitWidth.map { "\(name)@bit\(bitOffset ?? -1):\($0)" } ?? "\(name)@\(offset)+\(size)"
    }
}

/// A record as pahole prints it: its size and members (anonymous members expanded, offsets from the record's start).
struct PaholeRecord {
    var kind: String
    var name: String
    var size: Int
    var members: [PaholeMember]
    /// What pahole infers on the closing line: `__aligned__(N)` (nil: nothing stated) and `__packed__`.
    var statedAlignment: Int? = nil
    var statedPacked = false
}

/// Parses `pahole -C a,b,c FILE` output (pahole's own format: one `/* offset size */` or
/// `/* byte: bit size */` comment per member, nested anonymous records expanded in place).
func parsePahole(_ text: String) -> [String: PaholeRecord] {
    var result: [String: PaholeRecord] = [:]
    var current: PaholeRecord?
    var depth = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if current == nil {
            for kind in ["struct", "union"] where line.hasPrefix(kind + " ") && line.hasSuffix("{") {
                let name = line.dropFirst(kind.count + 1).dropLast().trimmingCharacters(in: .whitespaces)
                current = PaholeRecord(kind: kind, name: name, size: -1, members: [])
                depth = 1
            }
            continue
        }
        if line.hasPrefix("/* size: ") {
            let digits = line.dropFirst("/* size: ".count).prefix { $0.isNumber }
            current?.size = Int(digits) ?? -1
            continue
        }
        if line.hasPrefix("/*") || line.isEmpty { continue }
        if line.hasSuffix("{") { depth += 1; continue }
        if line.hasPrefix("}") && depth == 1 {
            if let r = line.range(of: "__aligned__(") {
                current?.statedAlignment = Int(line[r.upperBound...].prefix { $0.isNumber })
            }
            current?.statedPacked = line.contains("__packed__")
            if let c = current { result[c.name] = c }
            current = nil
            continue
        }
        guard let commentStart = line.range(of: "/*", options: .backwards), line.hasSuffix("*/") else { continue }
        var decl = line[..<commentStart.lowerBound].trimmingCharacters(in: .whitespaces)
        let numbers = line[commentStart.upperBound...].dropLast(2).trimmingCharacters(in: .whitespaces)
        if decl.hasPrefix("}") { depth -= 1; decl = String(decl.dropFirst()).trimmingCharacters(in: .whitespaces) }
        guard decl.hasSuffix(";") else { continue }
        decl.removeLast()
        if let attr = decl.range(of: "__attribute__(") { decl = String(decl[..<attr.lowerBound]) }
        decl = decl.trimmingCharacters(in: .whitespaces)
        if decl.isEmpty { continue }   // an anonymous member's closing line
        // The member name: inside `(*name)` for function pointers, else the last word without `[n]` or `:width`.
        var name: String
        if let open = decl.range(of: "(*") {
            name = String(decl[open.upperBound...].prefix { $0 == "_" || $0.isLetter || $0.isNumber })
        } else {
            name = String(decl.split(separator: " ").last ?? "")
            while name.hasPrefix("*") { name.removeFirst() }
        }
        var width: Int? = nil
        if let colon = name.firstIndex(of: ":") {
            width = Int(name[name.index(after: colon)...])
            name = String(name[..<colon])
        }
        if let bracket = name.firstIndex(of: "[") { name = String(name[..<bracket]) }
        if let colon = numbers.firstIndex(of: ":") {
            let byte = Int(numbers[..<colon].trimmingCharacters(in: .whitespaces)) ?? -1
            let rest = numbers[numbers.index(after: colon)...].split(separator: " ").compactMap { Int($0) }
            current?.members.append(PaholeMember(name: name, offset: -1, size: -1, bitOffset: byte * 8 + (rest.first ?? -1000), bitWidth: width))
        } else {
            let parts = numbers.split(separator: " ").compactMap { Int($0) }
            guard parts.count == 2 else { continue }
            current?.members.append(PaholeMember(name: name, offset: parts[0], size: parts[1]))
        }
    }
    return result
}

/// A record's members as pahole would list them, sorted: leaf names, byte offset and size, or bit position and
/// width. pahole expands members of unnamed record type in place but not those reached through a typedef
/// (libclang, and so abigen, flattens both).
func paholeView(_ r: Record) -> [PaholeMember] {
    var hidden: [String] = []
    var out: [PaholeMember] = []
    for f in r.fields {
        if hidden.contains(where: { f.name.hasPrefix($0 + ".") }) { continue }
        if f.type.kind == .record, f.type.record == nil, !f.type.spelling.hasPrefix("struct <unnamed>"), !f.type.spelling.hasPrefix("union <unnamed>") {
            hidden.append(f.name)
        }
        let leaf = String(f.name.split(separator: ".").last ?? "")
        if let w = f.bitWidth {
            out.append(PaholeMember(name: leaf, offset: -1, size: -1, bitOffset: f.bitOffset, bitWidth: w))
        } else {
            out.append(PaholeMember(name: leaf, offset: f.offset, size: f.size))
        }
    }
    return out.sorted { $0.description < $1.description }
}

/// Builds BTF blobs by hand, for inputs no compiler would produce.
struct BTFBuilder {
    var littleEndian = true
    var types: [UInt8] = []
    var strings: [UInt8] = [0]
    var count = 0

    /// Adds a string, returning its offset.
    mutating func string(_ s: String) -> UInt32 {
        let off = UInt32(strings.count)
        strings += Array(s.utf8) + [0]
        return off
    }

    mutating func u32(_ v: UInt32) {
        let b = [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
        types += littleEndian ? b : b.reversed()
    }

    /// Adds a type record (`info` = kind << 24 | vlen, plus the kind flag) and returns its id.
    @discardableResult
    mutating func type(name: UInt32 = 0, kind: UInt32, vlen: UInt32 = 0, kindFlag: Bool = false, sizeOrType: UInt32, extra: [UInt32] = []) -> UInt32 {
        u32(name)
        u32(kind << 24 | vlen | (kindFlag ? 1 << 31 : 0))
        u32(sizeOrType)
        for e in extra { u32(e) }
        count += 1
        return UInt32(count)
    }

    /// An `int` type.
    mutating func int(_ name: String = "int", size: UInt32 = 4, signed: Bool = true) -> UInt32 {
        let n = string(name)
        return type(name: n, kind: 1, sizeOrType: size, extra: [(signed ? 1 << 24 : 0) | size * 8])
    }

    /// A struct with members (name, type id, bit offset).
    mutating func structType(_ name: String, size: UInt32, members: [(String, UInt32, UInt32)]) -> UInt32 {
        let n = string(name)
        let names = members.map { string($0.0) }
        var extra: [UInt32] = []
        for (i, m) in members.enumerated() { extra += [names[i], m.1, m.2] }
        return type(name: n, kind: 4, vlen: UInt32(members.count), sizeOrType: size, extra: extra)
    }

    /// The blob: header (with these overrides), types, strings.
    func blob(magic: UInt16 = 0xeb9f, version: UInt8 = 1, hdrLen: UInt32 = 24, typeOff: UInt32? = nil, typeLen: UInt32? = nil,
              strOff: UInt32? = nil, strLen: UInt32? = nil) -> [UInt8] {
        var out: [UInt8] = []
        func put16(_ v: UInt16) { let b = [UInt8(v & 0xff), UInt8(v >> 8)]; out += littleEndian ? b : b.reversed() }
        func put32(_ v: UInt32) {
            let b = [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
            out += littleEndian ? b : b.reversed()
        }
        put16(magic)
        out += [version, 0]
        put32(hdrLen)
        put32(typeOff ?? 0)
        put32(typeLen ?? UInt32(types.count))
        put32(strOff ?? UInt32(types.count))
        put32(strLen ?? UInt32(strings.count))
        return out + types + strings
    }
}
