import Foundation

/// What layout inference needs to know about the machine a BTF blob describes.
public struct BTFTarget: Sendable, Equatable {
    /// Target triple written into the snapshot.
    public var triple: String
    /// Size (and alignment) of a pointer.
    public var pointerSize: Int
    /// The largest alignment a scalar gets inside a record (4 on i386, 8 on most 32-bit targets, 16 on 64-bit ones).
    public var maxScalarAlignment: Int

    /// Makes a target description.
    public init(triple: String, pointerSize: Int, maxScalarAlignment: Int) {
        self.triple = triple
        self.pointerSize = pointerSize
        self.maxScalarAlignment = maxScalarAlignment
    }

    /// The natural alignment of a scalar of `size` bytes inside a record: the largest power of two
    /// not above the size, capped by the target (i386: `long long` and `double` are aligned 4 in records).
    public func scalarAlignment(_ size: Int) -> Int {
        var a = 1
        while a < maxScalarAlignment, a * 2 <= size { a *= 2 }
        return a
    }

    /// The target a triple names (`x86_64-linux-gnu`, `i386-linux-gnu`, `aarch64-linux-gnu`…); nil for an architecture abigen does not know.
    public init?(triple: String) {
        let arch = triple.split(separator: "-", maxSplits: 1).first.map(String.init) ?? triple
        switch arch {
        case "x86_64", "amd64", "aarch64", "arm64", "aarch64_be", "riscv64", "powerpc64", "powerpc64le", "ppc64", "ppc64le",
             "s390x", "mips64", "mips64el", "loongarch64", "sparc64", "sparcv9", "bpf", "bpfel", "bpfeb":
            self.init(triple: triple, pointerSize: 8, maxScalarAlignment: 16)
        case "i386", "i486", "i586", "i686", "x86":
            self.init(triple: triple, pointerSize: 4, maxScalarAlignment: 4)
        case let a where a.hasPrefix("arm") || a.hasPrefix("thumb") || a == "riscv32" || a == "powerpc" || a == "ppc"
            || a == "mips" || a == "mipsel" || a == "sparc" || a == "loongarch32":
            self.init(triple: triple, pointerSize: 4, maxScalarAlignment: 8)
        default:
            return nil
        }
    }

    /// The target of an ELF object, from its machine, class and byte order.
    static func from(elf: BTFFile.ELFIdentity) -> BTFTarget {
        let le = elf.littleEndian
        let triple: String
        switch elf.machine {
        case 62: triple = "x86_64-pc-linux-gnu"
        case 3: triple = "i386-pc-linux-gnu"
        case 183: triple = le ? "aarch64-unknown-linux-gnu" : "aarch64_be-unknown-linux-gnu"
        case 40: triple = le ? "arm-unknown-linux-gnueabi" : "armeb-unknown-linux-gnueabi"
        case 243: triple = elf.is64Bit ? "riscv64-unknown-linux-gnu" : "riscv32-unknown-linux-gnu"
        case 247: triple = le ? "bpfel" : "bpfeb"
        case 21: triple = le ? "powerpc64le-unknown-linux-gnu" : "powerpc64-unknown-linux-gnu"
        case 20: triple = "powerpc-unknown-linux-gnu"
        case 22: triple = "s390x-unknown-linux-gnu"
        case 8: triple = elf.is64Bit ? (le ? "mips64el-unknown-linux-gnu" : "mips64-unknown-linux-gnu") : (le ? "mipsel-unknown-linux-gnu" : "mips-unknown-linux-gnu")
        case 258: triple = elf.is64Bit ? "loongarch64-unknown-linux-gnu" : "loongarch32-unknown-linux-gnu"
        default:
            return BTFTarget(triple: "unknown-unknown-linux-gnu", pointerSize: elf.is64Bit ? 8 : 4, maxScalarAlignment: elf.is64Bit ? 16 : 8)
        }
        return BTFTarget(triple: triple) ?? BTFTarget(triple: triple, pointerSize: elf.is64Bit ? 8 : 4, maxScalarAlignment: elf.is64Bit ? 16 : 8)
    }

    /// The machine this program runs on (what `/sys/kernel/btf/vmlinux` describes).
    static var host: BTFTarget {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: &u.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch machine {
        case "x86_64": return BTFTarget(triple: "x86_64-pc-linux-gnu", pointerSize: 8, maxScalarAlignment: 16)
        case "i386", "i486", "i586", "i686": return BTFTarget(triple: "i386-pc-linux-gnu", pointerSize: 4, maxScalarAlignment: 4)
        case "arm64": return BTFTarget(triple: "aarch64-unknown-linux-gnu", pointerSize: 8, maxScalarAlignment: 16)
        default:
            return BTFTarget(triple: machine + "-unknown-linux-gnu")
                ?? BTFTarget(triple: machine + "-unknown-linux-gnu", pointerSize: MemoryLayout<Int>.size, maxScalarAlignment: MemoryLayout<Int>.size * 2)
        }
    }

    /// The target a raw blob describes: the host when the blob's byte order and `long` agree with it, else a generic one.
    static func guess(for file: BTFFile) -> BTFTarget {
        let host = BTFTarget.host
        let hostLittle = 1.littleEndian == 1
        let longSize = file.longSize
        if file.littleEndian == hostLittle, longSize == nil || longSize == host.pointerSize { return host }
        let p = longSize == 4 ? 4 : 8
        return BTFTarget(triple: "unknown-unknown-linux-gnu", pointerSize: p, maxScalarAlignment: p == 4 ? 8 : 16)
    }
}

extension BTFTarget {
    /// The target layouts are inferred for: `triple` when given, else the ELF object's, else ``guess(for:)``'s.
    /// A triple whose byte order or `long` size contradicts the blob, or whose architecture is unknown, is refused.
    static func resolve(_ triple: String?, for file: BTFFile) throws -> BTFTarget {
        let own = file.elf.map(BTFTarget.from(elf:)) ?? BTFTarget.guess(for: file)
        guard let triple else { return own }
        let arch = architecture(of: triple)
        let order = file.littleEndian ? "little-endian" : "big-endian"
        let instead = "without a target it is read as \(own.triple)"
        if let little = isLittleEndian(arch: arch), little != file.littleEndian {
            throw BTFError(file: file.path, message: "target \(triple) is \(little ? "little" : "big")-endian, but this BTF is \(order): it describes another machine (\(instead))")
        }
        guard let known = BTFTarget(triple: triple) else {
            throw BTFError(file: file.path, message: "target \(triple): abigen does not know the alignment rules of architecture '\(arch)', so it cannot infer layouts from BTF for it (\(instead))")
        }
        if let long = file.longSize, long != known.pointerSize {
            throw BTFError(file: file.path, message: "target \(triple) has \(known.pointerSize * 8)-bit long, but this BTF's long has \(long * 8) bits: it describes another machine (\(instead))")
        }
        return known
    }

    /// The architecture part of a triple (`x86_64` of `x86_64-linux-gnu`).
    static func architecture(of triple: String) -> String {
        triple.split(separator: "-", maxSplits: 1).first.map(String.init) ?? triple
    }

    /// True for a little-endian architecture, false for a big-endian one, nil when abigen does not know it.
    static func isLittleEndian(arch: String) -> Bool? {
        let big: Set<String> = ["powerpc", "powerpc64", "ppc", "ppc64", "s390", "s390x", "mips", "mips64", "mipsisa32r6", "mipsisa64r6",
                                "sparc", "sparc64", "sparcv9", "m68k", "hppa", "hppa64", "or1k", "bpfeb", "aarch64_be", "arm64_be"]
        let little: Set<String> = ["x86_64", "amd64", "i386", "i486", "i586", "i686", "x86", "aarch64", "arm64", "riscv32", "riscv64",
                                   "loongarch32", "loongarch64", "bpf", "bpfel", "mipsel", "mips64el", "mipsisa32r6el", "mipsisa64r6el",
                                   "powerpc64le", "ppc64le", "powerpcle", "alpha", "ia64", "csky", "sh4"]
        if big.contains(arch) { return false }
        if little.contains(arch) { return true }
        if arch.hasPrefix("armeb") || arch.hasPrefix("thumbeb") { return false }
        if arch.hasPrefix("arm") || arch.hasPrefix("thumb") { return true }
        return nil
    }
}

extension BTFFile {
    /// The size of C's `long` as the blob's INT types name it (nil when none does).
    var longSize: Int? {
        for t in types where t.kind == .int {
            let n = string(at: t.nameOffset)
            if n == "long int" || n == "long" || n == "long unsigned int" || n == "unsigned long" { return Int(t.sizeOrType) }
        }
        return nil
    }
}
