import ABIModel
import Foundation

/// How `abigen verify` compiles its probe.
public struct VerifyOptions: Sendable {
    /// The C compiler (name on `PATH` or a path); nil: `cc` for the host, `clang` when ``target`` is set.
    public var compiler: String?
    /// A target triple passed as `-target` (cross-compiling; nothing is run); nil: the host.
    public var target: String?
    /// Include directories (`-I`, in order); nil: the snapshot's ``ABISnapshot/includeDirectories``, which only a
    /// snapshot you made yourself should decide (the command line always passes the user's `--headers`).
    public var includeDirectories: [String]?
    /// Further compiler flags, after the `-I` directories (e.g. `-nostdinc`, `-ffreestanding`, more `-I`).
    public var extraFlags: [String]
    /// Keep the probe directory (sources, objects, compiler output) instead of deleting it.
    public var keepProbe: Bool
    /// Where to write the probe; nil: a fresh directory under the temporary directory.
    public var probeDirectory: String?

    /// Options with defaults for everything not given.
    public init(compiler: String? = nil, target: String? = nil, includeDirectories: [String]? = nil,
                extraFlags: [String] = [], keepProbe: Bool = false, probeDirectory: String? = nil) {
        self.compiler = compiler
        self.target = target
        self.includeDirectories = includeDirectories
        self.extraFlags = extraFlags
        self.keepProbe = keepProbe
        self.probeDirectory = probeDirectory
    }

    /// Options that compile the probe exactly as `source` describes: its target, then its search arguments
    /// (`-I`, `-idirafter` for the target's own directories, the extra arguments).
    public init(compiler: String? = nil, source: HeaderSource, builtin: String?, keepProbe: Bool = false,
                probeDirectory: String? = nil) throws(SourceError) {
        self.init(compiler: compiler, target: source.target, includeDirectories: [],
                  extraFlags: try source.searchArguments(builtin: builtin), keepProbe: keepProbe, probeDirectory: probeDirectory)
    }

    /// The compiler actually used.
    public var resolvedCompiler: String { compiler ?? (target == nil ? "cc" : "clang") }
}

/// Why verification could not produce a report.
public enum VerifyError: Error, CustomStringConvertible, Sendable {
    /// The compiler was not found on `PATH` (or the path is not executable).
    case compilerNotFound(String)
    /// The probe did not compile for a reason outside any single check (a header error, a missing header,
    /// a bad flag): the compiler's first error line, and the probe when it was kept (``VerifyOptions/keepProbe``;
    /// empty otherwise).
    case compileFailed(firstError: String, probePath: String)
    /// The probe directory could not be written.
    case cannotWriteProbe(path: String, reason: String)
    /// The compiled object could not be read back.
    case unreadableObject(path: String, reason: String)

    /// A file error in a few words (the POSIX reason when there is one), not Foundation's multi-part description.
    static func reason(_ error: Error) -> String {
        let e = error as NSError
        if let underlying = e.userInfo[NSUnderlyingErrorKey] as? Error {
            let u = underlying as NSError
            if u.domain == NSPOSIXErrorDomain, let c = Int32(exactly: u.code) { return String(cString: strerror(c)) }
        }
        if e.domain == NSPOSIXErrorDomain, let c = Int32(exactly: e.code) { return String(cString: strerror(c)) }
        return e.localizedDescription
    }

    /// An actionable message.
    public var description: String {
        switch self {
        case .compilerNotFound(let c):
            return "C compiler '\(c)' not found: install it or pass another with --cc"
        case let .compileFailed(firstError, probePath):
            let kept = probePath.isEmpty ? "keep the probe with --keep-probe DIR" : "probe kept at \(probePath)"
            return "the C probe does not compile: \(firstError) (\(kept); check the include directories and headers)"
        case let .cannotWriteProbe(path, reason):
            return "cannot write the C probe to \(path): \(reason)"
        case let .unreadableObject(path, reason):
            return "cannot read the compiled probe \(path): \(reason)"
        }
    }
}

/// What the compiler measured for a snapshot.
public struct Measurement: Sendable {
    /// The measured numbers, laid out over the snapshot.
    var table: MeasuredValues
    /// The snapshot that was measured.
    var snapshot: ABISnapshot
    /// Every measured number by check (bitfields: `.bitOffset`, `.bitWidth`, `.offset`, `.fieldSize` from the set bits).
    public var values: [CheckKey: UInt64] { table.dictionary }
    /// Checks that did not compile, with the compiler's error.
    public var failedChecks: [CheckKey: String]
    /// A copy of the snapshot with every measured number replaced by the compiler's (unmeasured ones kept).
    public var measured: ABISnapshot { ProbeDecoder.apply({ table[$0] }, to: snapshot) }
    /// `cc (x86_64-linux-gnu)`.
    public var compilerDescription: String
    /// The architecture of the compiled object (`x86_64`, `i386`, `aarch64`, `arm`).
    public var objectArchitecture: String
    /// Wall time of the compiler invocations, in seconds.
    public var compileSeconds: Double
    /// The probe directory when it was kept.
    public var probeDirectory: String?

    /// The number measured for `key`, if any (as `values[key]`, without building the dictionary).
    func value(_ key: CheckKey) -> UInt64? { table[key] }
}

/// Proves an ``ABISnapshot`` against a real C compiler: builds a probe, compiles it, reads the object's data back.
public enum Verifier {
    /// Measures the snapshot with the compiler and compares: the report lists every disagreement.
    public static func verify(_ snapshot: ABISnapshot, options: VerifyOptions = .init()) throws -> VerificationReport {
        var removal: (@Sendable () -> Void)?
        let m = try measure(snapshot, options: options, handingOver: &removal)
        // The probe directory is removed while the report is made; both are done before this returns.
        let removed = DispatchGroup()
        if let removal { DispatchQueue.global().async(group: removed, execute: removal) }
        let r = report(snapshot, measurement: m)
        removed.wait()
        return r
    }

    /// Compiles the probes and reads every measured value back from the objects' data. With several translation
    /// units, one compiler invocation per processor compiles them, concurrently; a unit is compiled alone only when
    /// its invocation fails, and once more per round of checks that do not compile (left out, reported). Without
    /// `--target`, one more invocation (`-dumpmachine`) names the compiler's triple.
    public static func measure(_ snapshot: ABISnapshot, options: VerifyOptions = .init()) throws -> Measurement {
        var removal: (@Sendable () -> Void)?
        let m = try measure(snapshot, options: options, handingOver: &removal)
        removal?()
        return m
    }

    /// ``measure(_:options:)``, handing the removal of the probe directory (when it is not kept) to the caller once
    /// the measurement is made; on an error the directory is removed before this throws.
    static func measure(_ snapshot: ABISnapshot, options: VerifyOptions,
                        handingOver removal: inout (@Sendable () -> Void)?) throws -> Measurement {
        let compilerName = options.resolvedCompiler
        guard ProcessRunner.executablePath(compilerName) != nil else { throw VerifyError.compilerNotFound(compilerName) }
        let fm = FileManager.default
        let dir = options.probeDirectory ?? (NSTemporaryDirectory() + "abigen-verify-\(UUID().uuidString)")
        do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw VerifyError.cannotWriteProbe(path: dir, reason: VerifyError.reason(error))
        }
        let keep = options.keepProbe
        if !keep { InterruptCleanup.register(path: dir) }
        let remove: @Sendable () -> Void = {
            InterruptCleanup.remove(dir)
            InterruptCleanup.unregister(path: dir)
        }
        var handedOver = false
        defer { if !keep && !handedOver { remove() } }
        var compiler = try ProbeCompiler(options: options, snapshot: snapshot, directory: dir)
        // Without a target, the compiler names its triple (`-dumpmachine`) while the probes are built and compiled.
        let dumpmachine = Locked<(status: Int32, output: String)?>(nil)
        let dumped = DispatchGroup()
        defer { dumped.wait() }   // before the directory holding its log is removed
        if options.target == nil {
            let path = compiler.compiler
            DispatchQueue.global().async(group: dumped) {
                let r = ProbeCompiler.dumpMachine(compiler: path, directory: dir)
                dumpmachine.withLock { $0 = r }
            }
        }

        var values = MeasuredValues(snapshot: snapshot)
        var failed: [CheckKey: String] = [:]
        var machine: ELFFile.Machine?
        let units = ProbeBuilder.assignment(snapshot)
        let precompiled = units.count > 1 ? try compiler.compileTogether(snapshot, units: units) : []
        for (ui, unit) in units.enumerated() {
            let stem = units.count == 1 ? "probe" : "probe\(ui + 1)"
            // A unit compiled with the others has every check, also those that failed in an earlier unit (enum
            // checks can occur in several): their values are left out, as that unit's own repaired probe would.
            let failedBefore = failed
            let (probe, object) = try compiler.compile(snapshot, unit: unit, stem: stem,
                                                       precompiled: precompiled.indices.contains(ui) ? precompiled[ui] : nil,
                                                       failed: &failed)
            let elf: ELFFile
            do { elf = try ELFFile(path: object) } catch {
                throw VerifyError.unreadableObject(path: object, reason: "\(error)")
            }
            machine = elf.machine
            try ProbeDecoder.decode(elf, probe: probe, object: object, into: &values, skipping: failedBefore)
        }
        dumped.wait()
        let triple = compiler.triple(target: options.target, machine: machine, dumped: dumpmachine.withLock { $0 })
        if !keep {
            handedOver = true
            removal = remove
        }
        return Measurement(table: values, snapshot: snapshot, failedChecks: failed,
                           compilerDescription: "\(compilerName) (\(triple))",
                           objectArchitecture: machine?.description ?? "none", compileSeconds: compiler.seconds,
                           probeDirectory: keep ? dir : nil)
    }
}
