/// Byte order of a target.
public enum Endianness: String, Sendable, Codable, Equatable {
    /// Least significant byte first.
    case little
    /// Most significant byte first.
    case big
}

/// One Linux ABI abigen can generate and verify for: a clang/gcc triple with Debian's packages for it.
///
/// Bit positions (`Field.bitOffset`) follow the target's allocation order: on a little-endian target bit `n`
/// is bit `n % 8` (least significant first) of byte `n / 8`; on a big-endian target it is bit `7 - n % 8`
/// of byte `n / 8` (a storage unit fills from its most significant bit). Either way a bitfield's bits are
/// contiguous and the number is what the compiler's layout calls the field's bit offset.
public struct LinuxTarget: Sendable, Equatable, Codable {
    /// The triple given to `clang -target` and prefixed to the gcc cross compiler (`s390x-linux-gnu`).
    public var triple: String
    /// Debian's architecture name (`s390x`, `ppc64el`, `mipsn32`).
    public var debianArchitecture: String
    /// clang's backend name for this architecture, as `clang -print-targets` lists it (`systemz`).
    public var clangBackend: String
    /// Byte order.
    public var endianness: Endianness
    /// `sizeof(void *)`.
    public var pointerSize: Int
    /// Extra flags clang needs to compile a probe for this target (`-fintegrated-as` where the host `as` cannot assemble).
    public var clangFlags: [String]
    /// True for the machine abigen runs on (headers in `/usr/include`, compiler `cc`).
    public var isHost: Bool

    /// Makes a target entry.
    public init(triple: String, debianArchitecture: String, clangBackend: String, endianness: Endianness, pointerSize: Int,
                clangFlags: [String] = [], isHost: Bool = false) {
        self.triple = triple
        self.debianArchitecture = debianArchitecture
        self.clangBackend = clangBackend
        self.endianness = endianness
        self.pointerSize = pointerSize
        self.clangFlags = clangFlags
        self.isHost = isHost
    }

    /// The Debian package with the uapi headers (`linux-libc-dev-s390x-cross`; `linux-libc-dev` for the host).
    public var headersPackage: String { isHost ? "linux-libc-dev" : "linux-libc-dev-\(debianArchitecture)-cross" }
    /// The Debian package with the C library headers (`libc6-dev-s390x-cross`; `libc6-dev` for the host).
    public var libcPackage: String { isHost ? "libc6-dev" : "libc6-dev-\(debianArchitecture)-cross" }
    /// The Debian package of the gcc cross compiler (`gcc-s390x-linux-gnu`, `gcc-x86-64-linux-gnux32`; `gcc` for the host).
    public var gccPackage: String { isHost ? "gcc" : "gcc-" + triple.replacingUnderscores() }
    /// The gcc cross compiler's command (`s390x-linux-gnu-gcc`).
    public var gccCommand: String { "\(triple)-gcc" }
    /// The target's header directory: `/usr/<triple>/include` (`/usr/include` for the host).
    public var includeDirectory: String { isHost ? "/usr/include" : "/usr/\(triple)/include" }
    /// True for a big-endian target.
    public var isBigEndian: Bool { endianness == .big }
    /// All Debian packages the target needs (headers, C library headers, gcc).
    public var packages: [String] { [headersPackage, libcPackage, gccPackage] }
}

extension String {
    /// Debian package names have no underscore: `x86_64` becomes `x86-64`.
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}

extension LinuxTarget {
    /// Every Linux ABI abigen knows: the 18 with both Debian cross headers and a clang 14 backend, host first.
    public static let all: [LinuxTarget] = [
        LinuxTarget(triple: "x86_64-linux-gnu", debianArchitecture: "amd64", clangBackend: "x86-64", endianness: .little,
                    pointerSize: 8, isHost: hostIsX86_64),
        LinuxTarget(triple: "i686-linux-gnu", debianArchitecture: "i386", clangBackend: "x86", endianness: .little, pointerSize: 4),
        LinuxTarget(triple: "aarch64-linux-gnu", debianArchitecture: "arm64", clangBackend: "aarch64", endianness: .little,
                    pointerSize: 8),
        LinuxTarget(triple: "arm-linux-gnueabihf", debianArchitecture: "armhf", clangBackend: "arm", endianness: .little,
                    pointerSize: 4),
        LinuxTarget(triple: "x86_64-linux-gnux32", debianArchitecture: "x32", clangBackend: "x86-64", endianness: .little,
                    pointerSize: 4),
        LinuxTarget(triple: "arm-linux-gnueabi", debianArchitecture: "armel", clangBackend: "arm", endianness: .little,
                    pointerSize: 4),
        LinuxTarget(triple: "powerpc64le-linux-gnu", debianArchitecture: "ppc64el", clangBackend: "ppc64le", endianness: .little,
                    pointerSize: 8),
        LinuxTarget(triple: "powerpc64-linux-gnu", debianArchitecture: "ppc64", clangBackend: "ppc64", endianness: .big,
                    pointerSize: 8),
        LinuxTarget(triple: "powerpc-linux-gnu", debianArchitecture: "powerpc", clangBackend: "ppc32", endianness: .big,
                    pointerSize: 4),
        LinuxTarget(triple: "s390x-linux-gnu", debianArchitecture: "s390x", clangBackend: "systemz", endianness: .big,
                    pointerSize: 8),
        LinuxTarget(triple: "mips-linux-gnu", debianArchitecture: "mips", clangBackend: "mips", endianness: .big, pointerSize: 4),
        LinuxTarget(triple: "mipsel-linux-gnu", debianArchitecture: "mipsel", clangBackend: "mipsel", endianness: .little,
                    pointerSize: 4),
        LinuxTarget(triple: "mips64-linux-gnuabi64", debianArchitecture: "mips64", clangBackend: "mips64", endianness: .big,
                    pointerSize: 8),
        LinuxTarget(triple: "mips64el-linux-gnuabi64", debianArchitecture: "mips64el", clangBackend: "mips64el",
                    endianness: .little, pointerSize: 8),
        LinuxTarget(triple: "mips64-linux-gnuabin32", debianArchitecture: "mipsn32", clangBackend: "mips64", endianness: .big,
                    pointerSize: 4),
        LinuxTarget(triple: "riscv64-linux-gnu", debianArchitecture: "riscv64", clangBackend: "riscv64", endianness: .little,
                    pointerSize: 8),
        LinuxTarget(triple: "sparc64-linux-gnu", debianArchitecture: "sparc64", clangBackend: "sparcv9", endianness: .big,
                    pointerSize: 8, clangFlags: ["-fintegrated-as"]),
        LinuxTarget(triple: "m68k-linux-gnu", debianArchitecture: "m68k", clangBackend: "m68k", endianness: .big, pointerSize: 4),
    ]

    static var hostIsX86_64: Bool {
        #if arch(x86_64)
        return true
        #else
        return false
        #endif
    }

    /// The entry for a triple: exact, or by Debian's spelling variants (`i386-linux-gnu`, `x86_64-pc-linux-gnu`,
    /// `s390x-unknown-linux-gnu`); nil for a triple abigen has no entry for.
    public static func named(_ triple: String) -> LinuxTarget? {
        if let t = all.first(where: { $0.triple == triple }) { return t }
        var parts = triple.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 4 { parts.remove(at: 1) }   // drop the vendor
        guard parts.count == 3, var arch = parts.first else { return nil }
        switch arch {
        case "i386", "i486", "i586": arch = "i686"
        case "arm64": arch = "aarch64"
        case "ppc64": arch = "powerpc64"
        case "ppc64le": arch = "powerpc64le"
        case "ppc", "ppc32": arch = "powerpc"
        case "amd64": arch = "x86_64"
        case "sparcv9": arch = "sparc64"
        default: break
        }
        var env = parts[2]
        if arch.hasPrefix("mips64") && env == "gnu" { env = "gnuabi64" }
        let normalized = "\(arch)-\(parts[1])-\(env)"
        return all.first { $0.triple == normalized }
    }

    /// Whether a triple names a big-endian target (by the table, else by its architecture name).
    public static func isBigEndian(_ triple: String) -> Bool {
        if let t = named(triple) { return t.isBigEndian }
        let arch = triple.split(separator: "-").first.map(String.init) ?? triple
        let little = ["mipsel", "mips64el", "powerpc64le", "ppc64le", "ppc32le", "powerpcle", "sparcel"]
        if little.contains(arch) { return false }
        return ["powerpc", "powerpc64", "ppc", "ppc32", "ppc64", "s390x", "systemz", "mips", "mips64", "sparc", "sparc64",
                "sparcv9", "m68k", "armeb", "thumbeb", "aarch64_be", "bpfeb"].contains(arch)
    }
}
