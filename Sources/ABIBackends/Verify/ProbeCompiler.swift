import ABIModel
import Foundation
import Synchronization

/// Compiles probe translation units with the C compiler (through ``ProcessRunner``) into objects in the probe
/// directory, repairing a unit whose single checks do not compile by leaving those checks out and compiling again.
struct ProbeCompiler {
    /// The compiler as asked for (`cc`, `clang`, a path), named in descriptions and errors.
    let compilerName: String
    /// Its resolved path.
    let compiler: String
    /// The compiler flags for every unit (language, target, include directories, extra flags).
    let baseArgs: [String]
    /// Where sources, objects and logs go.
    let directory: String
    /// Whether the probe directory is kept (errors name the probe then).
    let keep: Bool
    /// Wall time of the compiler invocations so far, in seconds.
    private(set) var seconds = 0.0

    /// A compiler for `snapshot`'s probes as `options` ask; the compiler must exist.
    init(options: VerifyOptions, snapshot: ABISnapshot, directory: String) throws(VerifyError) {
        let compilerName = options.resolvedCompiler
        guard let compiler = ProcessRunner.executablePath(compilerName) else { throw VerifyError.compilerNotFound(compilerName) }
        self.compilerName = compilerName
        self.compiler = compiler
        self.directory = directory
        self.keep = options.keepProbe
        let includeDirs = options.includeDirectories ?? snapshot.includeDirectories
        var baseArgs = ["-w", "-std=gnu11"]
        let compilerBase = URL(fileURLWithPath: compilerName).lastPathComponent
        let isClang = compilerBase.contains("clang")
        // A gcc cross compiler (`s390x-linux-gnu-gcc`) knows its one target; clang is told it, with the table's flags.
        if let t = options.target, !compilerBase.contains("gcc") {
            baseArgs += ["-target", t] + (LinuxTarget.named(t)?.clangFlags ?? [])
        }
        if isClang { baseArgs.append("-ferror-limit=0") }
        baseArgs += includeDirs.map { "-I" + $0 } + options.extraFlags
        self.baseArgs = baseArgs
    }

    /// Runs the compiler with `log` collecting its output, timing it; a compiler that cannot start is not found.
    private mutating func run(_ arguments: [String], log: String, in directory: String? = nil) throws(VerifyError)
        -> (status: Int32, output: String) {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        do { return try ProcessRunner.run(compiler, arguments, log: log, in: directory) } catch {
            throw verifyError(error)
        }
    }

    /// Writes every unit's complete probe and compiles them in concurrent invocations, one per processor (at most
    /// one per unit; `-c` writes each object beside its source), the units spread over them by source size; returns,
    /// per unit, its probe when its invocation succeeded. The units of a failed invocation are compiled, and repaired,
    /// one by one.
    mutating func compileTogether(_ snapshot: ABISnapshot, units: [ProbeBuilder.Unit]) throws(VerifyError) -> [Probe?] {
        // Built and written concurrently too (each unit alone); the first failure in unit order is reported.
        let directory = self.directory
        let built = Locked([Result<Probe, VerifyError>?](repeating: nil, count: units.count))
        DispatchQueue.concurrentPerform(iterations: units.count) { ui in
            let unit = units[ui]
            let probe = ProbeBuilder.build(snapshot, headers: unit.headers, records: unit.records,
                                           constants: unit.constants, excluding: [])
            let source = directory + "/probe\(ui + 1).c"
            let result: Result<Probe, VerifyError>
            do throws(VerifyError) {
                try probe.write(to: source)
                result = .success(probe)
            } catch {
                result = .failure(error)
            }
            built.withLock { $0[ui] = result }
        }
        var probes: [Probe] = []
        for result in built.withLock({ $0 }) {
            switch result {
            case .success(let probe): probes.append(probe)
            case .failure(let error): throw error
            case nil: continue
            }
        }
        guard probes.count == units.count else { return [] }
        // A unit costs its text, and a start (the compiler and assembler, the unit's headers) worth about as much
        // as 100 kB of checks, which spreads a dozen small units over the invocations instead of onto one.
        let sizes = probes.map { $0.text.count + 100_000 }
        let groups = Self.groups(sizes: sizes, count: min(ProcessInfo.processInfo.activeProcessorCount, units.count))
        let (compiler, baseArgs) = (self.compiler, self.baseArgs)
        let results = Locked([Result<Int32, ProcessRunnerError>?](repeating: nil, count: groups.count))
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: groups.count) { g in
            let log = directory + (g == 0 ? "/probes.log" : "/probes\(g + 1).log")
            // Sources named from the probe directory, where the compiler runs.
            let arguments = ["-c"] + groups[g].map { "probe\($0 + 1).c" } + baseArgs
            let result: Result<Int32, ProcessRunnerError>
            do throws(ProcessRunnerError) {
                result = .success(try ProcessRunner.run(compiler, arguments, log: log, in: directory).status)
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[g] = result }
        }
        let elapsed = ContinuousClock.now - start
        seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var compiled = [Probe?](repeating: nil, count: units.count)
        for (g, result) in results.withLock({ $0 }).enumerated() {
            switch result {
            case .success(let status): for u in groups[g] where status == 0 { compiled[u] = probes[u] }
            case .failure(let error): throw verifyError(error)
            case nil: continue
            }
        }
        return compiled
    }

    /// Unit indexes spread over `count` groups: largest first, each to the group with the least so far (ties: the
    /// lower index); each group in index order. Deterministic.
    static func groups(sizes: [Int], count: Int) -> [[Int]] {
        guard count > 0 else { return [] }
        var groups = [[Int]](repeating: [], count: count)
        var totals = [Int](repeating: 0, count: count)
        for u in sizes.indices.sorted(by: { (sizes[$0], $1) > (sizes[$1], $0) }) {
            guard let g = totals.indices.min(by: { (totals[$0], $0) < (totals[$1], $1) }) else { continue }
            groups[g].append(u)
            totals[g] = totals[g] &+ sizes[u]
        }
        return groups.map { $0.sorted() }.filter { !$0.isEmpty }
    }

    /// The verifier's error for a compiler that could not be run.
    private func verifyError(_ error: ProcessRunnerError) -> VerifyError {
        switch error {
        case .cannotStart: return VerifyError.compilerNotFound(compiler)
        case .cannotWriteLog(let path): return VerifyError.cannotWriteProbe(path: path, reason: "cannot create file")
        }
    }

    /// Writes unit `stem`'s probe without the checks in `failed` and compiles it (unless `precompiled`, the probe
    /// `compileTogether` made the object of, which is returned as it is), adding checks that do not compile to `failed` and compiling again
    /// (at most ten rounds); returns the probe and its object's path.
    mutating func compile(_ snapshot: ABISnapshot, unit: ProbeBuilder.Unit, stem: String, precompiled: Probe?,
                          failed: inout [CheckKey: String]) throws(VerifyError) -> (probe: Probe, object: String) {
        let source = directory + "/\(stem).c", object = directory + "/\(stem).o", log = directory + "/\(stem).log"
        if let precompiled { return (precompiled, object) }
        var probe: Probe
        var round = 0
        while true {
            round += 1
            probe = ProbeBuilder.build(snapshot, headers: unit.headers, records: unit.records,
                                       constants: unit.constants, excluding: Set(failed.keys))
            try probe.write(to: source)
            try? FileManager.default.removeItem(atPath: object)
            let (status, output) = try run(["-c", "-o", object, source] + baseArgs, log: log)
            if status == 0 { break }
            let diagnostics = CompilerDiagnostics.parse(output)
            let (attributed, allAttributed) = CompilerDiagnostics.attribute(diagnostics, source: source, lineKeys: probe.lineKeys)
            guard round < 10, !attributed.isEmpty, allAttributed else {
                let first = diagnostics.first(where: \.isError)?.text
                    ?? output.split(separator: "\n").first.map(String.init)
                    ?? "\(compilerName) exited with status \(status) and no message"
                throw VerifyError.compileFailed(firstError: first, probePath: keep ? source : "")
            }
            let sharing = probe.sharing(attributed.keys)
            for (key, message) in attributed {
                for k in [key] + (sharing[key] ?? []) where failed[k] == nil { failed[k] = message }
            }
        }
        return (probe, object)
    }

    /// `target`, else the compiler's own triple (`-dumpmachine`), else the object's architecture.
    func triple(target: String?, machine: ELFFile.Machine?) -> String {
        if let t = target { return t }
        return triple(target: nil, machine: machine, dumped: Self.dumpMachine(compiler: compiler, directory: directory))
    }

    /// `COMPILER -dumpmachine`, logged in `directory`; nil when it cannot run.
    static func dumpMachine(compiler: String, directory: String) -> (status: Int32, output: String)? {
        try? ProcessRunner.run(compiler, ["-dumpmachine"], log: directory + "/dumpmachine.log")
    }

    /// `target`, else the triple in `dumped` (the output of `-dumpmachine`, run already), else the object's architecture.
    func triple(target: String?, machine: ELFFile.Machine?, dumped r: (status: Int32, output: String)?) -> String {
        if let t = target { return t }
        let status = r?.status ?? 1
        let out = r?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return status == 0 && !out.isEmpty ? out : (machine?.description ?? "host")
    }
}
