import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation
import Synchronization

/// The stages of `abigen matrix`: choose targets, plan, parse, measure, tabulate.
extension Matrix {
    /// One target's generated snapshot and the compilers to check it with.
    struct Plan {
        var availability: TargetAvailability
        var snapshot: ABISnapshot?
        var compilers: [String]
        /// How to compile this target's probe (the parsed source's exact invocation).
        var verify: VerifyOptions?
        var row: MatrixRow
    }

    /// One probe compilation: a plan's snapshot with one compiler.
    struct Job { var plan: Int; var compiler: String }

    /// The targets `--targets` names, with what this machine has for each.
    func chosenTargets() throws -> [TargetAvailability] {
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
        return chosen
    }

    /// A plan per target: the compilers to use, or why the target cannot be served.
    func plans(for chosen: [TargetAvailability]) -> [Plan] {
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
        return plans
    }

    /// Parses (libclang) one target after another; a target whose headers do not parse becomes unavailable.
    /// When no target parses, the command cannot run: the first error, exit 2.
    func parse(_ plans: inout [Plan]) throws {
        var firstError: FrontendError?
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
                firstError = firstError ?? e
                continue
            } catch let e as SourceError {
                throw ToolError("abigen: matrix: \(e)")
            }
        }
        if let firstError, !plans.contains(where: { $0.snapshot != nil }) { throw ToolError("abigen: matrix: \(firstError)") }
    }

    /// Compiles every plan's probe with each of its compilers, `--jobs` at a time.
    func measure(_ plans: [Plan]) -> (jobs: [Job], results: [Int: Result<ABIBackends.Measurement, VerifyError>]) {
        let jobList = plans.indices.flatMap { i in
            plans[i].snapshot == nil ? [] : plans[i].compilers.map { Job(plan: i, compiler: $0) }
        }
        let results = Locked([Int: Result<ABIBackends.Measurement, VerifyError>]())
        let next = Locked(0)
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
        return (jobList, done)
    }

    /// Fills each plan's row from its measurements (correcting m68k from gcc), writes `--swift-dir`, and lists
    /// every mismatch and disagreement; `failed` when one was found.
    func tabulate(_ plans: inout [Plan], jobList: [Job], done: [Int: Result<ABIBackends.Measurement, VerifyError>]) throws -> (detail: [String], failed: Bool) {
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
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: swiftDir, isDirectory: &isDir), !isDir.boolValue {
                    throw ToolError("abigen: \(swiftDir): --swift-dir is not a directory")
                }
                do {
                    try FileManager.default.createDirectory(atPath: swiftDir, withIntermediateDirectories: true)
                    try Data(SwiftEmitter.emit(snapshot).utf8).write(to: URL(fileURLWithPath: path))
                } catch {
                    let errno = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error).map { ($0 as NSError).code }
                    throw ToolError("abigen: \(path): cannot write" + (errno.map { ": " + String(cString: strerror(Int32(clamping: $0))) } ?? ""))
                }
            }
        }
        return (detail, failed)
    }

    /// The table in `--format`, with the details after it (on standard error for json).
    func render(_ rows: [MatrixRow], detail: [String]) -> String {
        var out: String
        switch format {
        case .text: out = MatrixReport.text(rows, highlight: highlight) + detail.map { $0 + "\n" }.joined()
        case .markdown: out = MatrixReport.markdown(rows, highlight: highlight) + detail.map { "\n- " + $0 }.joined() + (detail.isEmpty ? "" : "\n")
        case .json: out = MatrixReport.json(rows, highlight: highlight)
        }
        return out
    }
}
