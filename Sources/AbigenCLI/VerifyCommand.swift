import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation

/// `abigen verify`: prove every number of a snapshot against the C compiler.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",   // spelled out, as in Generate: no String(describing:) at every start
        abstract: "Prove every size, offset and constant against the C compiler (exit 0 agree, 1 disagree, 2 cannot run).",
        discussion: """
        Parses the headers as `abigen` does (or reads --snapshot FILE, written
        earlier, without re-parsing it) and writes a C probe per translation
        unit recording sizeof, _Alignof, offsetof, member sizes, bitfield
        positions, signedness and the value of every constant as data in an
        object file. The probes are compiled by one compiler invocation per
        processor and the numbers are read back from the objects: nothing is
        run, so --target works for any architecture clang knows. A snapshot
        records its source: without header options, --snapshot compiles
        exactly what it was made from. Prints a summary line, then one line per disagreement: record,
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

    @Option(help: ArgumentHelp("Check this snapshot file (abigen --format json) against the headers instead of parsing them.", valueName: "file"), completion: .file(extensions: ["json"]))
    var snapshot: String?

    @Option(name: .customLong("cc"), help: ArgumentHelp("The C compiler. Default: cc for the host, clang with --target.", valueName: "path"), completion: .file())
    var compiler: String?

    @Option(help: ArgumentHelp("Comma-separated compilers to verify with and compare: clang (clang -target T), gcc (T-gcc; gcc on the host). Without it: the one compiler --cc names, or its default.", valueName: "list"))
    var compilers: String?

    @Option(help: ArgumentHelp("Keep the probe (source, object, compiler output) in this directory.", valueName: "dir"), completion: .directory)
    var keepProbe: String?

    func validate() throws {
        if let btf = source.btf, compiler != nil { throw ToolError("abigen: verify: --btf \(btf) and --cc conflict: --btf verifies against the kernel, not a compiler") }
        if let btf = source.btf, keepProbe != nil { throw ToolError("abigen: verify: --btf \(btf) and --keep-probe conflict: --btf compiles no probe") }
        guard let compilers else { return }
        if compiler != nil { throw ToolError("abigen: verify: --compilers and --cc conflict: name the compilers with one of them") }
        if source.btf != nil { throw ToolError("abigen: verify: --compilers and --btf conflict: --btf verifies against the kernel, not a compiler") }
        if keepProbe != nil { throw ToolError("abigen: verify: --compilers and --keep-probe conflict: keep one compiler's probe with --cc") }
        let names = compilers.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for c in names where CompilerName(rawValue: c) == nil {
            throw ToolError("abigen: verify: unknown compiler '\(c)' in --compilers (choose \(CompilerName.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if Set(names).count != names.count { throw ToolError("abigen: verify: a compiler is named twice in --compilers") }
    }

    func run() throws {
        source.diagnostics.phase("verify: start")
        if let btf = source.btf { return try verifyAgainstBTF(btf) }
        try refuseRunningKernelTree()
        let abi: ABISnapshot
        let options: VerifyOptions
        do {
            if let snapshot {
                abi = try probeableSnapshot(snapshot)
                options = try source.verifyOptions(for: abi, path: snapshot, compiler: compiler)
            } else {
                let po = try parseOptions()
                abi = try HeaderOptions.parse(po)
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

    /// The parse options; with gcc among --compilers, a target whose clang layouts the kernel's compiler
    /// corrects (m68k) is parsed anyway: the comparison then shows where clang is wrong.
    func parseOptions() throws -> ParseOptions {
        var po = try source.parseOptions()
        if let compilers, compilers.split(separator: ",").contains("gcc"), let t = source.target, LayoutPolicy.refusal(target: t) != nil {
            po.acceptLayoutsToCorrect = true
        }
        return po
    }

}
