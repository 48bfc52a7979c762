import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation

/// `abigen verify`: prove every number of a snapshot against the C compiler.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove every size, offset and constant against the C compiler (exit 0 agree, 1 disagree, 2 cannot run).",
        discussion: """
        Parses the headers as `abigen` does (or reads --snapshot FILE, written
        earlier, without re-parsing it) and writes one C probe recording sizeof,
        _Alignof, offsetof, member sizes, bitfield positions, signedness and the
        value of every constant as data in an object file. The probe is compiled
        in one compiler invocation and the numbers are read back from the
        object: nothing is run, so --target works for any architecture clang
        knows. Prints a summary line, then one line per disagreement: record,
        field, what the snapshot says, what the compiler says.

        Examples:
          abigen verify --headers /usr/include
          abigen verify --snapshot abi.json --headers /usr/include
              is the committed snapshot stale against today's headers?
          abigen verify --headers /usr/i686-linux-gnu/include --target i686-linux-gnu
          abigen verify --headers /usr/include --btf /sys/kernel/btf/vmlinux
              the running kernel as oracle: no compiler, the differ's rules
        """)

    @OptionGroup var source: HeaderOptions

    @Option(help: ArgumentHelp("Check this snapshot file (abigen --format json) against the headers instead of parsing them.", valueName: "file"))
    var snapshot: String?

    @Option(name: .customLong("cc"), help: ArgumentHelp("The C compiler. Default: cc for the host, clang with --target.", valueName: "path"))
    var compiler: String?

    @Option(help: ArgumentHelp("Keep the probe (source, object, compiler output) in this directory.", valueName: "dir"))
    var keepProbe: String?

    func run() throws {
        if let btf = source.btf { return try verifyAgainstBTF(btf) }
        try refuseRunningKernelTree()
        let setup = try source.includeSetup()
        let abi: ABISnapshot
        if let snapshot {
            do { abi = try ABISnapshot.load(from: snapshot) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        } else {
            abi = try source.snapshot()
        }
        // Include directories: the user's, plus abigen's Headers/ or the kernel tree when the headers need them.
        var dirs = setup.directories
        if abi.headers.contains(where: { $0.hasPrefix("abigen/") }) {
            let builtin = try BuiltinHeaders.directory()
            if !dirs.contains(builtin) { dirs.append(builtin) }
        }
        if abi.headers.contains(where: { $0.hasPrefix("include/linux/") }) && source.kernelTree == nil {
            throw ToolError("abigen: \(snapshot ?? "snapshot"): it was made from a kernel tree; pass the same --kernel-tree")
        }
        var target = source.target
        if target == nil, snapshot != nil, let host = hostArchitecture(), !abi.target.hasPrefix(host + "-") {
            target = abi.target   // a snapshot made for another architecture is verified for that architecture
        }
        // The frontend searched the target's own headers (multiarch, cross) after the system ones: so must the probe.
        var extraFlags = setup.arguments
        if let target {
            func resolved(_ p: String) -> String { URL(fileURLWithPath: p).resolvingSymlinksInPath().path }
            let given = Set(dirs.map(resolved))
            for dir in SearchPath.targetDirectories(target: target) where !given.contains(resolved(dir)) {
                extraFlags += ["-idirafter", dir]
            }
        }
        let options = VerifyOptions(compiler: compiler, target: target, includeDirectories: dirs,
                                    extraFlags: extraFlags, keepProbe: keepProbe != nil, probeDirectory: keepProbe)
        let report: VerificationReport
        do {
            report = try Verifier.verify(abi, options: options)
        } catch let e as VerifyError {
            throw ToolError("abigen: verify: \(e)")
        }
        try OutputFile.writeStandardOutput(Data(report.text.utf8))
        if !report.ok { throw ExitCode(1) }
    }

    /// The host's machine name (`x86_64`), as `uname -m` prints it.
    func hostArchitecture() -> String? {
        var u = utsname()
        guard uname(&u) == 0 else { return nil }
        return withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
