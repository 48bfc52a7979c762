import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation
import Synchronization

/// `abigen matrix`: generate and verify for every available target, against every compiler present.
struct Matrix: ParsableCommand {
    static let configuration = CommandConfiguration(
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

    @Option(help: ArgumentHelp("Write each target's Swift layouts to DIR/<triple>.swift.", valueName: "dir"))
    var swiftDir: String?

    @Option(help: ArgumentHelp("Probe compilations run at once. Default: the number of processors.", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ToolError("abigen: matrix: --jobs must be at least 1") }
        if source.target != nil { throw ToolError("abigen: matrix: use --targets, not --target") }
        // Lists are checked whole, as verify checks --compilers: an empty or repeated entry would silently
        // check less than the command line says (a matrix of no targets must not pass a CI job).
        let names = targets.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if names.contains("") { throw ToolError("abigen: matrix: --targets has an empty entry (name targets separated by commas, or all)") }
        if names.count > 1, names.contains("all") { throw ToolError("abigen: matrix: --targets all stands alone") }
        if Set(names).count != names.count { throw ToolError("abigen: matrix: a target is named twice in --targets") }
        if let compilers {
            let list = compilers.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for c in list where c != "clang" && c != "gcc" {
                throw ToolError("abigen: matrix: unknown compiler '\(c)' in --compilers (choose clang, gcc)")
            }
            if Set(list).count != list.count { throw ToolError("abigen: matrix: a compiler is named twice in --compilers") }
        }
    }

    /// One target's generated snapshot and the compilers to check it with.
    struct Plan {
        var availability: TargetAvailability
        var snapshot: ABISnapshot?
        var compilers: [String]
        /// How to compile this target's probe (the parsed source's exact invocation).
        var verify: VerifyOptions?
        var row: MatrixRow
    }

    func run() throws {
        let survey = TargetAvailability.survey()
        var chosen: [TargetAvailability]
        if targets == "all" {
            chosen = survey
        } else {
            chosen = []
            for name in targets.split(separator: ",").map(String.init) {
                guard let t = LinuxTarget.named(name), let a = survey.first(where: { $0.target.triple == t.triple }) else {
                    throw ToolError("abigen: matrix: unknown target '\(name)' (abigen targets lists them)")
                }
                chosen.append(a)
            }
        }
        let wanted = compilers.map { Set($0.split(separator: ",").map(String.init)) }
        var plans: [Plan] = []
        for a in chosen {
            let t = a.target
            var row = MatrixRow(target: t.triple, endianness: t.endianness.rawValue, status: "unavailable")
            var names: [String] = []
            if wanted?.contains("clang") ?? true, a.hasClang { names.append("clang") }
            if wanted?.contains("gcc") ?? true, a.hasGCC { names.append(a.gccCommand) }
            let needsGCC = LayoutPolicy.refusal(target: t.triple) != nil
            if !a.hasHeaders {
                row.reason = "no headers in \(t.includeDirectory) (install \(t.headersPackage))"
            } else if names.isEmpty {
                row.reason = "no compiler (install clang or \(t.gccPackage))"
            } else if needsGCC && !names.contains(a.gccCommand) {
                row.status = "refused"
                row.reason = "clang's layouts are not the kernel's; install \(t.gccPackage) to correct them from gcc"
            } else {
                row.status = "pending"
            }
            plans.append(Plan(availability: a, snapshot: nil, compilers: names, verify: nil, row: row))
        }
        // Parse (libclang) one target after another; compile the probes in parallel.
        for i in plans.indices where plans[i].row.status == "pending" {
            let t = plans[i].availability.target
            var o = source
            o.target = t.triple
            o.includeDirectories = [t.includeDirectory] + source.includeDirectories
            var po = try o.parseOptions()
            po.acceptLayoutsToCorrect = true
            do {
                let s = try Frontend.parse(po)
                plans[i].snapshot = s
                plans[i].verify = try VerifyOptions(source: po.source, builtin: po.builtinDirectory)
            } catch let e as FrontendError {
                plans[i].row.status = "unavailable"
                plans[i].row.reason = "\(e)"
                continue
            } catch let e as SourceError {
                throw ToolError("abigen: matrix: \(e)")
            }
        }
        struct Job { var plan: Int; var compiler: String }
        let jobList = plans.indices.flatMap { i in
            plans[i].snapshot == nil ? [] : plans[i].compilers.map { Job(plan: i, compiler: $0) }
        }
        let results = Mutex([Int: Result<ABIBackends.Measurement, VerifyError>]())
        let next = Mutex(0)
        let workers = min(jobs ?? ProcessInfo.processInfo.activeProcessorCount, max(jobList.count, 1))
        let snapshotList = plans.map(\.snapshot)
        let options = plans.map(\.verify)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let j = next.withLock { n -> Int in defer { n += 1 }; return n }
                guard j < jobList.count, let snapshot = snapshotList[jobList[j].plan], var vo = options[jobList[j].plan] else { return }
                vo.compiler = jobList[j].compiler
                let r: Result<ABIBackends.Measurement, VerifyError>
                do { r = .success(try Verifier.measure(snapshot, options: vo)) }
                catch let e as VerifyError { r = .failure(e) }
                catch { r = .failure(.compileFailed(firstError: "\(error)", probePath: "")) }
                results.withLock { $0[j] = r }
            }
        }
        let done = results.withLock { $0 }
        var detail: [String] = []
        var failed = false
        let highlightParts = highlight.split(separator: ".", maxSplits: 1).map(String.init)
        for i in plans.indices {
            guard var snapshot = plans[i].snapshot else { continue }
            let t = plans[i].availability.target
            var measurements: [ABIBackends.Measurement] = []
            for (j, job) in jobList.enumerated() where job.plan == i {
                switch done[j] {
                case .success(let m): measurements.append(m)
                case .failure(let e): detail.append("\(t.triple): \(job.compiler): \(e)")
                case nil: detail.append("\(t.triple): \(job.compiler): not run")
                }
            }
            var row = plans[i].row
            guard measurements.count == plans[i].compilers.count, let first = measurements.first else {
                row.status = "error"
                row.reason = "a probe did not compile"
                failed = true
                plans[i].row = row
                continue
            }
            // The kernel's compiler decides where clang's layouts are known to be wrong: the snapshot follows gcc.
            let gccMeasurement = measurements.first { !$0.compilerDescription.hasPrefix("clang") }
            if LayoutPolicy.refusal(target: t.triple) != nil, let g = gccMeasurement {
                snapshot = g.measured
                row.reason = "layouts corrected from gcc"
            }
            let reports = measurements.map { Verifier.report(snapshot, measurement: $0) }
            var disagreements: [CompilerDisagreement] = []
            for k in measurements.indices.dropFirst() {
                disagreements += CompilerComparison.compare(snapshot, first, measurements[k])
            }
            let kernelReports = LayoutPolicy.refusal(target: t.triple) != nil
                ? reports.filter { !$0.compilerDescription.hasPrefix("clang") } : reports
            row.compilers = measurements.map(\.compilerDescription)
            row.records = reports[0].recordsChecked
            row.fields = reports[0].fieldsChecked
            row.constants = reports[0].constantsChecked
            row.mismatches = kernelReports.reduce(0) { $0 + $1.mismatches.count }
            row.disagreements = disagreements.count
            row.compileSeconds = measurements.reduce(0) { $0 + $1.compileSeconds }
            row.status = row.mismatches > 0 ? "mismatch" : disagreements.isEmpty ? "ok" : "disagreement"
            if row.mismatches > 0 || !disagreements.isEmpty { failed = true }
            for r in kernelReports { detail += r.mismatchLines.map { "\(t.triple): \(r.compilerDescription): mismatch: \($0)" } }
            detail += disagreements.map { "\(t.triple): compilers disagree: \($0)" }
            if highlightParts.count == 2, let rec = snapshot.records.first(where: { $0.name == highlightParts[0] }),
               let f = rec.fields.first(where: { $0.name == highlightParts[1] }) {
                row.highlight = (f.offset, f.size, rec.size, rec.alignment)
            }
            plans[i].row = row
            if let swiftDir {
                let path = swiftDir + "/\(t.triple).swift"
                do {
                    try FileManager.default.createDirectory(atPath: swiftDir, withIntermediateDirectories: true)
                    try Data(SwiftEmitter.emit(snapshot).utf8).write(to: URL(fileURLWithPath: path))
                } catch {
                    throw ToolError("abigen: matrix: cannot write \(path): \(error)")
                }
            }
        }
        let rows = plans.map(\.row)
        // A target named on the command line that could not be verified fails the run; with `all` it is only listed.
        if targets != "all", rows.contains(where: { $0.status == "refused" || $0.status == "unavailable" }) { failed = true }
        var out: String
        switch format {
        case .text: out = MatrixReport.text(rows, highlight: highlight) + detail.map { $0 + "\n" }.joined()
        case .markdown: out = MatrixReport.markdown(rows, highlight: highlight) + detail.map { "\n- " + $0 }.joined() + (detail.isEmpty ? "" : "\n")
        case .json: out = MatrixReport.json(rows, highlight: highlight)
        }
        if format == .json, !detail.isEmpty { FileHandle.standardError.write(Data(detail.map { $0 + "\n" }.joined().utf8)) }
        try OutputFile.writeStandardOutput(Data(out.utf8))
        if failed { throw ExitCode(1) }
    }
}
