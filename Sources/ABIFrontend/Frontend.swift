import ABIModel
import Foundation

/// A header set that could not be read: names the file and the problem.
public struct FrontendError: Error, CustomStringConvertible, Sendable {
    /// The file (or directory) at fault.
    public var file: String
    /// What went wrong, e.g. the first clang error.
    public var message: String
    public init(file: String, message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}

/// Reads C headers with libclang into an ``ABISnapshot``.
public enum Frontend {
    /// Parses the headers of `options` and returns their ABI.
    ///
    /// The headers share one translation unit (a large set with ``ParseOptions/skipBrokenHeaders``: one per
    /// half, parsed on two threads and merged in header order). With ``ParseOptions/skipBrokenHeaders``, a header that
    /// does not compile with the others is parsed in a translation unit of its own, and one that does
    /// not compile alone either is skipped and listed in ``ABISnapshot/unsupported`` with clang's first
    /// error; without it, the first error is thrown. Each declaration left out is a warning in
    /// ``ParseOptions/diagnostics`` (in header order, after parsing) and an ``ABISnapshot/unsupported`` entry;
    /// phase timings are notes there as they happen.
    ///
    /// Names: a struct or union tag keeps its name; an untagged typedef'd record whose name a tag also
    /// has (`struct bar` and `typedef struct {…} bar`) is named `bar_t` (then `bar_t_`, … while taken),
    /// its `cName` staying `bar`. The element of an array of an unnamed struct or union becomes a
    /// record named `<outer>_<member>` with a `__typeof__` C name, linked from the member's type.
    /// Macros whose value changes when the headers see gcc's predefined macros instead of clang's,
    /// and 128-bit ones, are listed in ``ABISnapshot/skippedMacros``.
    public static func parse(_ options: ParseOptions) throws -> ABISnapshot {
        let resolved = try resolveHeaders(options)

        let results = try parseInParts(resolved, options: options)
        guard var reader = results.first?.reader else { throw FrontendError(file: "<command line>", message: "no header selected") }
        for r in results.dropFirst() { reader.merge(r.reader) }
        let triple = results.map(\.triple).first { !$0.isEmpty } ?? ""
        let groups = results.flatMap(\.groups)

        let records = reader.finalRecords()   // may warn about dropped records
        if let sink = options.diagnostics { reader.warnings.forEach(sink.emit) }
        var snapshot = ABISnapshot(target: triple, headers: options.headers,
                                   includeDirectories: options.source.includeDirectories.filter { $0.role == .user }.map(\.path),
                                   preludeHeaders: options.preludeHeaders.isEmpty ? nil : options.preludeHeaders,
                                   records: records, constants: reader.constants,
                                   skippedMacros: reader.skipped, unsupported: reader.unsupported)
        if groups.count > 1 { snapshot.headerGroups = groups }
        var recorded = options.source
        recorded.selection = HeaderSource.Selection(records: options.recordFilters, macroPrefixes: options.macroPrefixes,
                                                    skipBrokenHeaders: options.skipBrokenHeaders)
        snapshot.source = .headers(recorded)
        snapshot.normalize()
        // Never hand out a snapshot abigen's own reader would refuse (a record over 4 GiB, an alignment over
        // 2^16, a bidirectional control in a name): every later `check` of it would fail.
        do { try snapshot.validate(path: "") } catch let e as SnapshotError {
            throw FrontendError(file: options.headers.map(displayName).joined(separator: ", "),
                                message: "abigen cannot represent these headers: \(e.message)")
        }
        return snapshot
    }
}
