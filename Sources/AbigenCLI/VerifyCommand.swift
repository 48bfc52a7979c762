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
          abigen verify --headers /usr/s390x-linux-gnu/include --target s390x-linux-gnu --compilers clang,gcc
              two compilers: each one's summary, then every number they give differently
          abigen verify --headers /usr/include --btf /sys/kernel/btf/vmlinux
              the running kernel as oracle: no compiler, the differ's rules
        """)

    @OptionGroup var source: HeaderOptions

    @Option(help: ArgumentHelp("Check this snapshot file (abigen --format json) against the headers instead of parsing them.", valueName: "file"))
    var snapshot: String?

    @Option(name: .customLong("cc"), help: ArgumentHelp("The C compiler. Default: cc for the host, clang with --target.", valueName: "path"))
    var compiler: String?

    @Option(help: ArgumentHelp("Comma-separated compilers to verify with and compare: clang (clang -target T), gcc (T-gcc; gcc on the host). Without it: the one compiler --cc names, or its default.", valueName: "list"))
    var compilers: String?

    @Option(help: ArgumentHelp("Keep the probe (source, object, compiler output) in this directory.", valueName: "dir"))
    var keepProbe: String?

    func validate() throws {
        guard let compilers else { return }
        if compiler != nil { throw ToolError("abigen: verify: --compilers and --cc conflict: name the compilers with one of them") }
        if source.btf != nil { throw ToolError("abigen: verify: --compilers and --btf conflict: --btf verifies against the kernel, not a compiler") }
        if keepProbe != nil { throw ToolError("abigen: verify: --compilers and --keep-probe conflict: keep one compiler's probe with --cc") }
        let names = compilers.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for c in names where c != "clang" && c != "gcc" {
            throw ToolError("abigen: verify: unknown compiler '\(c)' in --compilers (choose clang, gcc)")
        }
        if Set(names).count != names.count { throw ToolError("abigen: verify: a compiler is named twice in --compilers") }
    }

    /// The command and Debian package behind a `--compilers` name for a target (nil: the host).
    static func compilerCommand(_ name: String, target: String?) -> (command: String, package: String) {
        if name == "clang" { return ("clang", "clang") }
        guard let target else { return ("gcc", "gcc") }
        if let t = LinuxTarget.named(target) { return t.isHost ? ("gcc", "gcc") : (t.gccCommand, t.gccPackage) }
        return ("\(target)-gcc", "gcc-" + target.replacingOccurrences(of: "_", with: "-"))
    }

    func run() throws {
        if let btf = source.btf { return try verifyAgainstBTF(btf) }
        try refuseRunningKernelTree()
        let setup = try source.includeSetup()
        let abi: ABISnapshot
        if let snapshot {
            do { abi = try ABISnapshot.load(from: snapshot) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        } else {
            abi = try parsedSnapshot()
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
        if let compilers {
            return try compareCompilers(compilers.split(separator: ",").map(String.init), abi: abi, target: target,
                                        directories: dirs, flags: extraFlags)
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

    /// The headers' snapshot. With gcc among --compilers, a target whose clang layouts the kernel's compiler
    /// corrects (m68k) is parsed anyway: the comparison then shows where clang is wrong.
    func parsedSnapshot() throws -> ABISnapshot {
        guard let compilers, compilers.split(separator: ",").contains("gcc"), let t = source.target,
              LayoutPolicy.refusal(target: t) != nil, source.btf == nil, source.kernelTree != BTFInput.runningTree
        else { return try source.snapshot() }
        var po = try source.parseOptions()
        po.acceptLayoutsToCorrect = true
        var s: ABISnapshot
        do { s = try Frontend.parse(po) } catch let e as FrontendError { throw ToolError("abigen: \(e)") }
        s.includeDirectories = source.includeDirectories
        return s
    }

    /// `--compilers`: measure with each, print each one's report, then every number two of them give differently.
    func compareCompilers(_ names: [String], abi: ABISnapshot, target: String?, directories: [String], flags: [String]) throws {
        var commands: [String] = []
        for name in names {
            let (command, package) = Self.compilerCommand(name, target: target)
            guard Verifier.executablePath(command) != nil else {
                throw ToolError("abigen: verify: --compilers \(name): \(command) is not installed (Debian package \(package))")
            }
            commands.append(command)
        }
        var measurements: [ABIBackends.Measurement] = []
        for command in commands {
            let vo = VerifyOptions(compiler: command, target: target, includeDirectories: directories, extraFlags: flags)
            do { measurements.append(try Verifier.measure(abi, options: vo)) } catch let e as VerifyError {
                throw ToolError("abigen: verify: \(command): \(e)")
            }
        }
        let reports = measurements.map { Verifier.report(abi, measurement: $0) }
        var disagreements: [CompilerDisagreement] = []
        for m in measurements.dropFirst() { disagreements += CompilerComparison.compare(abi, measurements[0], m) }
        var out = reports.map(\.text).joined()
        out += disagreements.map { "compilers disagree: \($0)\n" }.joined()
        if let t = target, let why = LayoutPolicy.refusal(target: t), !disagreements.isEmpty {
            out += "note: \(why.prefix { $0 != ";" }): follow gcc's numbers (abigen matrix corrects the layouts from them)\n"
        }
        try OutputFile.writeStandardOutput(Data(out.utf8))
        if reports.contains(where: { !$0.ok }) || !disagreements.isEmpty { throw ExitCode(1) }
    }

    /// The host's machine name (`x86_64`), as `uname -m` prints it.
    func hostArchitecture() -> String? {
        var u = utsname()
        guard uname(&u) == 0 else { return nil }
        return withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
