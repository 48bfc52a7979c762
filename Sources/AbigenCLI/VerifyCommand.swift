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
        let abi: ABISnapshot
        let options: VerifyOptions
        do {
            if let snapshot {
                do { abi = try ABISnapshot.load(from: snapshot) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
                options = try snapshotOptions(abi, path: snapshot)
            } else {
                let po = try parseOptions()
                abi = try parse(po)
                options = try VerifyOptions(compiler: compiler, source: po.source, builtin: po.builtinDirectory)
            }
        } catch let e as SourceError {
            throw ToolError("abigen: verify: \(e)")
        }
        if let compilers {
            return try compareCompilers(compilers.split(separator: ",").map(String.init), abi: abi, options: options)
        }
        var run = options
        run.keepProbe = keepProbe != nil
        run.probeDirectory = keepProbe
        let report: VerificationReport
        do {
            report = try Verifier.verify(abi, options: run)
        } catch let e as VerifyError {
            throw ToolError("abigen: verify: \(e)")
        }
        try OutputFile.writeStandardOutput(Data(report.text.utf8))
        if !report.ok { throw ExitCode(1) }
    }

    /// How to compile a loaded snapshot's probe: the header options when any is given, else the source the
    /// snapshot records (schema 2), else (schema 1) the snapshot's own include directories and target.
    func snapshotOptions(_ abi: ABISnapshot, path: String) throws -> VerifyOptions {
        let given = !source.includeDirectories.isEmpty || source.kernelTree != nil || source.target != nil
            || !source.clangArguments.isEmpty || !source.preludeHeaders.isEmpty
        let needsBuiltin = abi.headers.contains { $0.hasPrefix("abigen/") }
        if !given, let recorded = abi.source?.headers {
            if let tree = recorded.kernelTree, !FileManager.default.fileExists(atPath: tree.path) {
                throw ToolError("abigen: \(path): made from the kernel tree \(tree.path), which does not exist here; pass --kernel-tree")
            }
            let builtin = recorded.needsBuiltinHeaders ? try BuiltinHeaders.directory() : nil
            return try VerifyOptions(compiler: compiler, source: recorded, builtin: builtin)
        }
        if abi.headers.contains(where: { $0.hasPrefix("include/linux/") }) && source.kernelTree == nil {
            throw ToolError("abigen: \(path): it was made from a kernel tree; pass the same --kernel-tree")
        }
        var (resolved, builtin) = try source.includeSource()
        if !given {
            // A version 1 snapshot: its own include directories, and its target when it is not the host's.
            resolved.includeDirectories.insert(contentsOf: abi.includeDirectories.map { .init(path: $0, role: .user) }, at: 0)
            if abi.target.split(separator: "-").first != SearchPath.hostTriple.split(separator: "-").first { resolved.target = abi.target }
            resolved = SearchPath.addingTargetDirectories(to: resolved, builtin: builtin)
        }
        if needsBuiltin, !resolved.needsBuiltinHeaders {
            builtin = try BuiltinHeaders.directory()
            let at = resolved.includeDirectories.firstIndex { $0.role == .target } ?? resolved.includeDirectories.endIndex
            resolved.includeDirectories.insert(.init(path: ".", role: .builtin), at: at)
        }
        return try VerifyOptions(compiler: compiler, source: resolved, builtin: builtin)
    }

    /// The parse options; with gcc among --compilers, a target whose clang layouts the kernel's compiler
    /// corrects (m68k) is parsed anyway: the comparison then shows where clang is wrong.
    func parseOptions() throws -> ParseOptions {
        var po = try source.parseOptions()
        if let compilers, compilers.split(separator: ",").contains("gcc"), let t = source.target, LayoutPolicy.refusal(target: t) != nil {
            po.acceptLayoutsToCorrect = true
        }
        return po
    }

    /// The headers' snapshot.
    func parse(_ po: ParseOptions) throws -> ABISnapshot {
        do { return try Frontend.parse(po) } catch let e as FrontendError { throw ToolError("abigen: \(e)") }
    }

    /// `--compilers`: measure with each, print each one's report, then every number two of them give differently.
    func compareCompilers(_ names: [String], abi: ABISnapshot, options: VerifyOptions) throws {
        let target = options.target
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
            var vo = options
            vo.compiler = command
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
}
