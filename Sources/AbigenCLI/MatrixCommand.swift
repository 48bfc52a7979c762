import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation
import Synchronization

/// `abigen matrix`: generate and verify for every available target, against every compiler present.
struct Matrix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",   // spelled out, as in Generate: no String(describing:) at every start
        abstract: "Generate and verify for every available target; print a target × counts table (exit 0 all agree, 1 a mismatch or compiler disagreement, 2 cannot run).",
        discussion: """
        For each target (abigen targets lists them) the headers are parsed with
        that target's Debian cross headers (/usr/<triple>/include, searched before
        --headers) and the snapshot is verified against each compiler: clang
        -target T and the gcc cross compiler T-gcc when installed. Probes for
        several targets compile in parallel. Where two compilers disagree, the
        output names the record, field, both values and both compilers. On m68k,
        where clang's layouts are not the kernel's, the snapshot is corrected from
        gcc's probe (or the target is refused without gcc).

        Examples:
          abigen matrix --kernel-tree .build/kernel-trees/6.12
          abigen matrix --targets s390x-linux-gnu,powerpc64-linux-gnu --format markdown
          abigen matrix --header 'linux/*.h' --preset none --targets all --format json
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    @OptionGroup var source: HeaderOptions

    @Option(help: ArgumentHelp("Comma-separated target triples, or all (every target this machine can serve).", valueName: "list"))
    var targets: String = "all"

    @Option(help: ArgumentHelp("Comma-separated compilers: clang, gcc. Default: every one present for each target.", valueName: "list"))
    var compilers: String?

    @Option(help: ArgumentHelp("Output format: text, markdown or json.", valueName: "format"))
    var format: Format = .text

    @Option(help: ArgumentHelp("The field whose offset, size and record alignment the table shows (RECORD.FIELD).", valueName: "field"))
    var highlight: String = "io_uring_cmd.pdu"

    @Option(help: ArgumentHelp("Write each target's Swift layouts to DIR/<triple>.swift.", valueName: "dir"), completion: .directory)
    var swiftDir: String?

    @Option(help: ArgumentHelp("Probe compilations run at once. Default: the number of processors.", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ToolError("abigen: matrix: --jobs must be at least 1") }
        if source.target != nil { throw ToolError("abigen: matrix: use --targets, not --target") }
        var isDir: ObjCBool = false
        if let swiftDir, FileManager.default.fileExists(atPath: swiftDir, isDirectory: &isDir), !isDir.boolValue {
            throw ToolError("abigen: \(swiftDir): --swift-dir is not a directory")
        }
        try BTFInput.refuseInMatrix(source)
        // Lists are checked whole, as verify checks --compilers: an empty or repeated entry would silently
        // check less than the command line says (a matrix of no targets must not pass a CI job).
        let names = targets.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if names.contains("") { throw ToolError("abigen: matrix: --targets has an empty entry (name targets separated by commas, or all)") }
        if names.count > 1, names.contains("all") { throw ToolError("abigen: matrix: --targets all stands alone") }
        if Set(names).count != names.count { throw ToolError("abigen: matrix: a target is named twice in --targets") }
        if let compilers {
            let list = compilers.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for c in list where CompilerName(rawValue: c) == nil {
                throw ToolError("abigen: matrix: unknown compiler '\(c)' in --compilers (choose \(CompilerName.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if Set(list).count != list.count { throw ToolError("abigen: matrix: a compiler is named twice in --compilers") }
        }
    }

    func run() throws {
        source.diagnostics.phase("matrix: start")
        var plans = plans(for: try chosenTargets())
        try parse(&plans)
        let (jobList, done) = measure(plans)
        var (detail, failed) = try tabulate(&plans, jobList: jobList, done: done)
        let rows = plans.map(\.row)
        // A target named on the command line that could not be verified fails the run; with `all` it is only listed.
        if targets != "all", rows.contains(where: { $0.status == "refused" || $0.status == "unavailable" }) { failed = true }
        let out = render(rows, detail: detail)
        if format == .json, !detail.isEmpty { FileHandle.standardError.write(Data(detail.map { $0 + "\n" }.joined().utf8)) }
        try OutputFile.writeStandardOutput(Data(out.utf8))
        if failed { throw ExitCode(1) }
    }
}
