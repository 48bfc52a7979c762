import ABIModel
import Foundation
import Synchronization

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

/// One number the compiler disagrees with.
public struct Mismatch: Sendable, Equatable, CustomStringConvertible {
    /// The record's C name (`struct io_uring_sqe`), the constant's name, or `enum tag`.
    public var subject: String
    /// The field's name for field properties; nil otherwise.
    public var field: String?
    /// Which number.
    public var property: ABIProperty
    /// What the snapshot says.
    public var snapshot: String
    /// What the compiler says.
    public var compiler: String

    /// Makes a mismatch.
    public init(subject: String, field: String? = nil, property: ABIProperty, snapshot: String, compiler: String) {
        self.subject = subject
        self.field = field
        self.property = property
        self.snapshot = snapshot
        self.compiler = compiler
    }

    /// `struct io_uring_sqe.user_data: offset: snapshot 32, compiler 40`.
    public var description: String {
        let name = field.map { "\(subject).\($0)" } ?? subject
        return "\(name): \(property.rawValue): snapshot \(snapshot), compiler \(compiler)"
    }
}

/// What the compiler measured for a snapshot.
public struct Measurement: Sendable {
    /// Every measured number by check (bitfields: `.bitOffset`, `.bitWidth`, `.offset`, `.fieldSize` from the set bits).
    public var values: [CheckKey: UInt64]
    /// Checks that did not compile, with the compiler's error.
    public var failedChecks: [CheckKey: String]
    /// A copy of the snapshot with every measured number replaced by the compiler's (unmeasured ones kept).
    public var measured: ABISnapshot
    /// `cc (x86_64-linux-gnu)`.
    public var compilerDescription: String
    /// The architecture of the compiled object (`x86_64`, `i386`, `aarch64`, `arm`).
    public var objectArchitecture: String
    /// Wall time of the compiler invocations, in seconds.
    public var compileSeconds: Double
    /// The probe directory when it was kept.
    public var probeDirectory: String?
}

/// The result of checking a snapshot against the compiler.
public struct VerificationReport: Sendable {
    /// Records whose size and alignment were checked.
    public var recordsChecked: Int
    /// Fields checked (offsets, sizes, bit positions, signedness).
    public var fieldsChecked: Int
    /// Constants checked (value, size, signedness).
    public var constantsChecked: Int
    /// Every disagreement, in snapshot order (records and their fields, then constants).
    public var mismatches: [Mismatch]
    /// `cc (x86_64-linux-gnu)`.
    public var compilerDescription: String
    /// The measurement the report was made from.
    public var measurement: Measurement

    /// True when the compiler agrees with every number.
    public var ok: Bool { mismatches.isEmpty }

    /// `verified 21 records, 180 fields, 312 constants against cc (x86_64-linux-gnu): 0 mismatches`.
    public var summaryLine: String {
        let n = mismatches.count
        return "verified \(recordsChecked) records, \(fieldsChecked) fields, \(constantsChecked) constants against "
            + "\(compilerDescription): \(n) mismatch\(n == 1 ? "" : "es")"
    }

    /// One line per mismatch (``Mismatch/description``).
    public var mismatchLines: [String] { mismatches.map(\.description) }

    /// The summary line followed by the mismatch lines, newline-terminated.
    public var text: String { ([summaryLine] + mismatchLines).map { $0 + "\n" }.joined() }
}

/// Proves an ``ABISnapshot`` against a real C compiler: builds a probe, compiles it, reads the object's data back.
public enum Verifier {
    /// Measures the snapshot with the compiler and compares: the report lists every disagreement.
    public static func verify(_ snapshot: ABISnapshot, options: VerifyOptions = .init()) throws -> VerificationReport {
        let m = try measure(snapshot, options: options)
        return report(snapshot, measurement: m)
    }

    /// Compares a snapshot with a measurement of it (pure).
    public static func report(_ snapshot: ABISnapshot, measurement m: Measurement) -> VerificationReport {
        var out: [Mismatch] = []
        func signedness(_ b: Bool?) -> String { b.map { $0 ? "signed" : "unsigned" } ?? "unknown" }
        var fields = 0
        let units = ProbeBuilder.assignment(snapshot)
        let records = units.flatMap(\.records).sorted()
        let constants = units.flatMap(\.constants).sorted()
        for ri in records {
            let r = snapshot.records[ri]
            let subject = r.cName
            if let error = m.failedChecks[CheckKey(.record(ri), .size)] {
                out.append(Mismatch(subject: subject, property: .compiles, snapshot: "\(r.kind.rawValue) of size \(r.size)",
                                    compiler: error))
                continue
            }
            func number(_ key: CheckKey, _ expected: Int, _ field: String? = nil) {
                if let error = m.failedChecks[key] {
                    out.append(Mismatch(subject: subject, field: field, property: .compiles,
                                        snapshot: "\(key.property.rawValue) \(expected)", compiler: error))
                } else if let got = m.values[key], got != UInt64(truncatingIfNeeded: expected) {
                    out.append(Mismatch(subject: subject, field: field, property: key.property,
                                        snapshot: String(expected), compiler: String(got)))
                }
            }
            number(CheckKey(.record(ri), .size), r.size)
            number(CheckKey(.record(ri), .alignment), r.alignment)
            for (fi, f) in r.fields.enumerated() {
                fields += 1
                let s = ProbeSubject.field(record: ri, field: fi)
                // A field that does not compile (misnamed, wrong type spelling) is one mismatch, not one per check.
                let failedKey = [ABIProperty.offset, .bitOffset, .fieldSize, .elementSize, .signedness]
                    .map { CheckKey(s, $0) }.first { m.failedChecks[$0] != nil }
                if let error = failedKey.flatMap({ m.failedChecks[$0] }) {
                    let place = f.isBitfield ? "bitfield at bit \(f.bitOffset.map(String.init) ?? "?")" : "field at offset \(f.offset)"
                    out.append(Mismatch(subject: subject, field: f.name, property: .compiles, snapshot: place,
                                        compiler: error))
                    continue
                }
                if f.isBitfield {
                    number(CheckKey(s, .bitOffset), f.bitOffset ?? -1, f.name)
                    number(CheckKey(s, .bitWidth), f.bitWidth ?? -1, f.name)
                }
                number(CheckKey(s, .offset), f.offset, f.name)
                if !f.isBitfield && f.type.isVariableTail {
                    if f.size != 0 {
                        out.append(Mismatch(subject: subject, field: f.name, property: .fieldSize,
                                            snapshot: String(f.size), compiler: "0 (zero-length or flexible array)"))
                    }
                } else {
                    number(CheckKey(s, .fieldSize), f.size, f.name)
                }
                number(CheckKey(s, .elementSize), f.type.scalarSize, f.name)
                if let got = m.values[CheckKey(s, .signedness)], f.type.signed != (got != 0) {
                    out.append(Mismatch(subject: subject, field: f.name, property: .signedness,
                                        snapshot: signedness(f.type.signed), compiler: signedness(got != 0)))
                }
            }
        }
        var enumsSeen = Set<String>()
        for ci in constants {
            let c = snapshot.constants[ci]
            if let error = m.failedChecks[CheckKey(.constant(ci), .value)] {
                out.append(Mismatch(subject: c.name, property: .compiles, snapshot: "value \(c.value)", compiler: error))
                continue
            }
            let measuredSigned = m.values[CheckKey(.constant(ci), .constantSignedness)].map { $0 != 0 }
            if let got = m.values[CheckKey(.constant(ci), .value)], got != c.value.bitPattern {
                let shown = measuredSigned == true ? String(Int64(bitPattern: got)) : String(got)
                out.append(Mismatch(subject: c.name, property: .value, snapshot: c.value.description, compiler: shown))
            }
            if let got = m.values[CheckKey(.constant(ci), .constantSize)], got != UInt64(truncatingIfNeeded: c.size) {
                out.append(Mismatch(subject: c.name, property: .constantSize, snapshot: String(c.size), compiler: String(got)))
            }
            if let got = measuredSigned, got != c.signed {
                out.append(Mismatch(subject: c.name, property: .constantSignedness, snapshot: signedness(c.signed),
                                    compiler: signedness(got)))
            }
            if c.origin == .enumerator, let tag = c.enumName, let et = c.enumType, enumsSeen.insert(tag).inserted {
                let subject = "enum \(tag)"
                for (key, expected) in [(CheckKey(.enumeration(tag), .enumSize), et.size)] {
                    if let error = m.failedChecks[key] {
                        out.append(Mismatch(subject: subject, property: .compiles, snapshot: "size \(expected)", compiler: error))
                    } else if let got = m.values[key], got != UInt64(truncatingIfNeeded: expected) {
                        out.append(Mismatch(subject: subject, property: .enumSize, snapshot: String(expected), compiler: String(got)))
                    }
                }
                if let got = m.values[CheckKey(.enumeration(tag), .enumSignedness)].map({ $0 != 0 }), got != et.signed {
                    out.append(Mismatch(subject: subject, property: .enumSignedness, snapshot: signedness(et.signed),
                                        compiler: signedness(got)))
                }
            }
        }
        return VerificationReport(recordsChecked: records.count, fieldsChecked: fields, constantsChecked: constants.count,
                                  mismatches: out, compilerDescription: m.compilerDescription, measurement: m)
    }

    /// Compiles the probes (one compiler invocation per translation unit, more only when single checks fail to
    /// compile) and reads every measured value back from the objects' data.
    public static func measure(_ snapshot: ABISnapshot, options: VerifyOptions = .init()) throws -> Measurement {
        let compilerName = options.resolvedCompiler
        guard let compiler = findExecutable(compilerName) else { throw VerifyError.compilerNotFound(compilerName) }
        let fm = FileManager.default
        let dir = options.probeDirectory ?? (NSTemporaryDirectory() + "abigen-verify-\(UUID().uuidString)")
        do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw VerifyError.cannotWriteProbe(path: dir, reason: VerifyError.reason(error))
        }
        let keep = options.keepProbe
        if !keep { InterruptCleanup.register(path: dir) }
        defer {
            if !keep {
                InterruptCleanup.remove(dir)
                InterruptCleanup.unregister(path: dir)
            }
        }

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

        var values: [CheckKey: UInt64] = [:]
        var failed: [CheckKey: String] = [:]
        var seconds = 0.0
        var machine: ELFFile.Machine?
        let units = ProbeBuilder.assignment(snapshot)
        // Several translation units: all probes in one compiler invocation (`-c` writes each object
        // beside its source). Only if that fails are the units compiled, and repaired, one by one.
        var precompiled = false
        if units.count > 1 {
            var sources: [String] = []
            for (ui, unit) in units.enumerated() {
                let probe = ProbeBuilder.build(snapshot, headers: unit.headers, records: unit.records,
                                               constants: unit.constants, excluding: [])
                let source = dir + "/probe\(ui + 1).c"
                do { try probe.source.write(toFile: source, atomically: true, encoding: .utf8) } catch {
                    throw VerifyError.cannotWriteProbe(path: source, reason: VerifyError.reason(error))
                }
                sources.append(source)
            }
            let start = ContinuousClock.now
            let status = try run(compiler, ["-c"] + sources + baseArgs, log: dir + "/probes.log", in: dir)
            let elapsed = ContinuousClock.now - start
            seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            precompiled = status == 0
        }
        for (ui, unit) in units.enumerated() {
            let stem = units.count == 1 ? "probe" : "probe\(ui + 1)"
            let source = dir + "/\(stem).c", object = dir + "/\(stem).o", log = dir + "/\(stem).log"
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
                try? fm.removeItem(atPath: object)
                let start = ContinuousClock.now
                let status = try run(compiler, ["-c", "-o", object, source] + baseArgs, log: log)
                let elapsed = ContinuousClock.now - start
                seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                if status == 0 { break }
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                let diagnostics = parseDiagnostics(output)
                let (attributed, allAttributed) = attribute(diagnostics, source: source, lineKeys: probe.lineKeys)
                guard round < 10, !attributed.isEmpty, allAttributed else {
                    let first = diagnostics.first(where: \.isError)?.text
                        ?? output.split(separator: "\n").first.map(String.init)
                        ?? "\(compilerName) exited with status \(status) and no message"
                    throw VerifyError.compileFailed(firstError: first, probePath: keep ? source : "")
                }
                for (key, message) in attributed where failed[key] == nil { failed[key] = message }
            }
            let elf: ELFFile
            do { elf = try ELFFile(path: object) } catch {
                throw VerifyError.unreadableObject(path: object, reason: "\(error)")
            }
            machine = elf.machine
            let words: [UInt64]
            do { words = try elf.contents(of: ProbeBuilder.valuesSymbol).words(bigEndian: elf.isBigEndian) } catch {
                throw VerifyError.unreadableObject(path: object, reason: "\(error)")
            }
            guard words.count == probe.checks.count + 2, words[0] == ProbeBuilder.magic,
                  words[1] == UInt64(probe.checks.count) else {
                throw VerifyError.unreadableObject(path: object, reason: "\(ProbeBuilder.valuesSymbol) holds \(words.count) words, "
                    + "expected the magic word, the count and \(probe.checks.count) values")
            }
            for (i, check) in probe.checks.enumerated() { values[check.key] = words[i + 2] }
            for b in probe.bitfields {
                let bytes: [UInt8]
                do { bytes = try elf.contents(of: b.symbol) } catch {
                    throw VerifyError.unreadableObject(path: object, reason: "\(error)")
                }
                // Bit n is bit n % 8 of byte n / 8, counted from the least significant bit on little-endian
                // targets and from the most significant on big-endian ones (``LinuxTarget``'s convention).
                var first: Int?, count = 0
                for (i, byte) in bytes.enumerated() {
                    for bit in 0..<8 where byte & (elf.isBigEndian ? 0x80 >> bit : 1 << bit) != 0 {
                        if first == nil { first = i * 8 + bit }
                        count += 1
                    }
                }
                let bitOffset = first ?? 0
                values[CheckKey(b.key.subject, .bitOffset)] = UInt64(bitOffset)
                values[CheckKey(b.key.subject, .bitWidth)] = UInt64(count)
                values[CheckKey(b.key.subject, .offset)] = UInt64(bitOffset / 8)
                values[CheckKey(b.key.subject, .fieldSize)] = UInt64((bitOffset % 8 + count + 7) / 8)
            }
        }
        let triple: String
        if let t = options.target { triple = t } else {
            let log = dir + "/dumpmachine.log"
            let status = (try? run(compiler, ["-dumpmachine"], log: log)) ?? 1
            let out = (try? String(contentsOfFile: log, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            triple = status == 0 && !out.isEmpty ? out : (machine?.description ?? "host")
        }
        return Measurement(values: values, failedChecks: failed, measured: apply(values, to: snapshot),
                           compilerDescription: "\(compilerName) (\(triple))",
                           objectArchitecture: machine?.description ?? "none", compileSeconds: seconds,
                           probeDirectory: keep ? dir : nil)
    }

    /// The snapshot with every measured number replaced by the measurement's.
    static func apply(_ values: [CheckKey: UInt64], to snapshot: ABISnapshot) -> ABISnapshot {
        var s = snapshot
        func int(_ key: CheckKey) -> Int? { values[key].map { Int(truncatingIfNeeded: $0) } }
        func bool(_ key: CheckKey) -> Bool? { values[key].map { $0 != 0 } }
        for ri in s.records.indices {
            if let v = int(CheckKey(.record(ri), .size)) { s.records[ri].size = v }
            if let v = int(CheckKey(.record(ri), .alignment)) { s.records[ri].alignment = v }
            for fi in s.records[ri].fields.indices {
                let subject = ProbeSubject.field(record: ri, field: fi)
                var f = s.records[ri].fields[fi]
                if let v = int(CheckKey(subject, .offset)) { f.offset = v }
                if let v = int(CheckKey(subject, .fieldSize)) { f.size = v }
                if !f.isBitfield && f.type.isVariableTail && int(CheckKey(subject, .offset)) != nil { f.size = 0 }
                if let v = int(CheckKey(subject, .bitOffset)) { f.bitOffset = v }
                if let v = int(CheckKey(subject, .bitWidth)) { f.bitWidth = v }
                if let v = int(CheckKey(subject, .elementSize)) { f.type.scalarSize = v }
                if let v = bool(CheckKey(subject, .signedness)) { f.type.signed = v }
                s.records[ri].fields[fi] = f
            }
        }
        for ci in s.constants.indices {
            let signed = bool(CheckKey(.constant(ci), .constantSignedness))
            if let v = values[CheckKey(.constant(ci), .value)] {
                s.constants[ci].value = (signed ?? s.constants[ci].signed) ? .signed(Int64(bitPattern: v)) : .unsigned(v)
            }
            if let v = int(CheckKey(.constant(ci), .constantSize)) { s.constants[ci].size = v }
            if let v = signed { s.constants[ci].signed = v }
            if let tag = s.constants[ci].enumName, var et = s.constants[ci].enumType {
                if let v = int(CheckKey(.enumeration(tag), .enumSize)) { et.size = v }
                if let v = bool(CheckKey(.enumeration(tag), .enumSignedness)) { et.signed = v }
                s.constants[ci].enumType = et
            }
        }
        return s
    }

    /// One compiler diagnostic line: `file:line:col: error: text`, or a note.
    struct Diagnostic {
        var file: String
        var line: Int
        var isError: Bool
        /// The whole line as the compiler printed it.
        var text: String
    }

    /// The located diagnostics in compiler output (errors, fatal errors, notes), in order.
    static func parseDiagnostics(_ output: String) -> [Diagnostic] {
        var result: [Diagnostic] = []
        for raw in output.split(separator: "\n") {
            let line = String(raw)
            let kind: Bool
            let marker: Range<String.Index>
            if let r = line.range(of: ": fatal error: ") ?? line.range(of: ": error: ") { kind = true; marker = r }
            else if let r = line.range(of: ": note: ") { kind = false; marker = r }
            else { continue }
            // Location is `file:line[:col]` before the marker.
            let parts = line[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2 else {
                result.append(Diagnostic(file: "", line: 0, isError: kind, text: line))
                continue
            }
            let numbers = parts.reversed().prefix(2).compactMap { Int($0) }
            let lineNumber: Int, fileParts: Int
            if numbers.count == 2 { lineNumber = numbers[1]; fileParts = parts.count - 2 }
            else if numbers.count == 1 { lineNumber = numbers[0]; fileParts = parts.count - 1 }
            else { lineNumber = 0; fileParts = parts.count }
            result.append(Diagnostic(file: parts.prefix(fileParts).joined(separator: ":"), line: lineNumber,
                                     isError: kind, text: line))
        }
        return result
    }

    /// Maps each error to the probe check whose line it is on, or whose line a following note points at
    /// (a macro defined in a header, expanded in the probe). Unattributable errors are left out.
    static func attribute(_ diagnostics: [Diagnostic], source: String, lineKeys: [Int: CheckKey])
        -> (keys: [CheckKey: String], allAttributed: Bool) {
        var result: [CheckKey: String] = [:]
        var all = true
        let sourceName = URL(fileURLWithPath: source).lastPathComponent
        func isProbe(_ d: Diagnostic) -> Bool { d.file == source || URL(fileURLWithPath: d.file).lastPathComponent == sourceName }
        for (i, d) in diagnostics.enumerated() where d.isError {
            var key: CheckKey? = isProbe(d) ? lineKeys[d.line] : nil
            if key == nil {
                for note in diagnostics[(i + 1)...] {
                    if note.isError { break }
                    if isProbe(note), let k = lineKeys[note.line] { key = k; break }
                }
            }
            guard let key else { all = false; continue }
            if result[key] == nil {
                let message = d.text.range(of: "error: ").map { String(d.text[$0.upperBound...]) } ?? d.text
                result[key] = "does not compile: " + message
            }
        }
        return (result, all)
    }

    /// Runs a program to completion with stdout and stderr written to `log`; returns the exit status.
    static func run(_ executable: String, _ arguments: [String], log: String, in directory: String? = nil) throws -> Int32 {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: log) else {
            throw VerifyError.cannotWriteProbe(path: log, reason: "cannot create file")
        }
        defer { try? handle.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        // The compiler's own temporary files go beside the log (the probe directory), so they go with it.
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = (log as NSString).deletingLastPathComponent
        p.environment = environment
        do { try p.run() } catch { throw VerifyError.compilerNotFound(executable) }
        let pid = p.processIdentifier
        InterruptCleanup.register(child: pid)
        p.waitUntilExit()
        InterruptCleanup.unregister(child: pid)
        return p.terminationStatus
    }

    /// The executable's path: as given when it contains a slash, else the first match on `PATH`; nil when missing.
    public static func executablePath(_ name: String) -> String? { findExecutable(name) }

    /// The executable's path: as given when it contains a slash, else the first match on `PATH`.
    static func findExecutable(_ name: String) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Temporary files, directories and child processes that must not outlive an interrupted run: `abigen verify`'s
/// probe directory and its compiler, a half-written output file. The command line's SIGINT/SIGTERM handlers call ``cleanUp()`` before exiting.
public enum InterruptCleanup {
    /// What is registered now.
    struct State: Sendable {
        var paths: Set<String> = []
        var children: Set<Int32> = []
    }
    private static let state = Mutex(State())

    /// Registers a file or directory (a whole tree) to remove if the process is interrupted.
    public static func register(path: String) { state.withLock { _ = $0.paths.insert(path) } }
    /// Forgets a path (removed, renamed into place, or handed to the user).
    public static func unregister(path: String) { state.withLock { _ = $0.paths.remove(path) } }
    /// Registers a running child process (the leader of its own process group, as Foundation starts children)
    /// to kill with its group if the process is interrupted.
    public static func register(child pid: Int32) { state.withLock { _ = $0.children.insert(pid) } }
    /// Forgets a child process that has exited.
    public static func unregister(child pid: Int32) { state.withLock { _ = $0.children.remove(pid) } }

    /// Terminates the registered children and removes the registered paths.
    public static func cleanUp() {
        let now = state.withLock { s in
            defer { s = State() }
            return s
        }
        for pid in now.children.sorted() {
            if killpg(pid, SIGKILL) != 0 { kill(pid, SIGKILL) }
        }
        for path in now.paths.sorted() { remove(path) }
    }

    /// Removes a file or directory tree, retrying while a dying child may still be writing into it.
    static func remove(_ dir: String) {
        let fm = FileManager.default
        for attempt in 0..<20 {
            try? fm.removeItem(atPath: dir)
            var st = stat()
            if lstat(dir, &st) != 0 { return }
            if attempt > 0 { usleep(50_000) }
        }
    }
}
