import ABIModel
import Foundation

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
            switch error {
            case .cannotStart: throw VerifyError.compilerNotFound(compiler)
            case .cannotWriteLog(let path): throw VerifyError.cannotWriteProbe(path: path, reason: "cannot create file")
            }
        }
    }

    /// Writes every unit's complete probe and compiles them all in one invocation (`-c` writes each object beside
    /// its source); true when that succeeded. Only if it fails are the units compiled, and repaired, one by one.
    mutating func compileTogether(_ snapshot: ABISnapshot, units: [ProbeBuilder.Unit]) throws(VerifyError) -> Bool {
        var sources: [String] = []
        for (ui, unit) in units.enumerated() {
            let probe = ProbeBuilder.build(snapshot, headers: unit.headers, records: unit.records,
                                           constants: unit.constants, excluding: [])
            let source = directory + "/probe\(ui + 1).c"
            do { try probe.source.write(toFile: source, atomically: true, encoding: .utf8) } catch {
                throw VerifyError.cannotWriteProbe(path: source, reason: VerifyError.reason(error))
            }
            sources.append("probe\(ui + 1).c")   // named from the probe directory, where the compiler runs
        }
        return try run(["-c"] + sources + baseArgs, log: directory + "/probes.log", in: directory).status == 0
    }

    /// Writes unit `stem`'s probe without the checks in `failed` and compiles it (unless `precompiled`, when
    /// `compileTogether` made its object), adding checks that do not compile to `failed` and compiling again
    /// (at most ten rounds); returns the probe and its object's path.
    mutating func compile(_ snapshot: ABISnapshot, unit: ProbeBuilder.Unit, stem: String, precompiled: Bool,
                          failed: inout [CheckKey: String]) throws(VerifyError) -> (probe: Probe, object: String) {
        let source = directory + "/\(stem).c", object = directory + "/\(stem).o", log = directory + "/\(stem).log"
        var probe: Probe
        var round = 0
        while true {
            round += 1
            probe = ProbeBuilder.build(snapshot, headers: unit.headers, records: unit.records,
                                       constants: unit.constants, excluding: Set(failed.keys))
            do { try probe.source.write(toFile: source, atomically: true, encoding: .utf8) } catch {
                throw VerifyError.cannotWriteProbe(path: source, reason: VerifyError.reason(error))
            }
            if precompiled && round == 1 { break }   // compiled with the others, unchanged
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
            for (key, message) in attributed where failed[key] == nil { failed[key] = message }
        }
        return (probe, object)
    }

    /// `target`, else the compiler's own triple (`-dumpmachine`), else the object's architecture.
    func triple(target: String?, machine: ELFFile.Machine?) -> String {
        if let t = target { return t }
        let r = try? ProcessRunner.run(compiler, ["-dumpmachine"], log: directory + "/dumpmachine.log")
        let status = r?.status ?? 1
        let out = r?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return status == 0 && !out.isEmpty ? out : (machine?.description ?? "host")
    }
}
