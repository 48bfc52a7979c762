// Harness: the suppression file parser and matcher.
//
// Parses the input as a suppression file (any bytes, read as UTF-8 with repair, as `String(contentsOfFile:)` would
// not: this is wider); when it is accepted, applies it to a fixed list of changes of every kind.
// Properties: nothing traps; parse errors name a line of the file; applying keeps every change and its order, and
// only sets `suppressed`; a rule's keys all come from the file.
import ABIBackends
import Foundation

let sampleChanges: [ABIChange] = ABIDiffer.kinds.keys.sorted().enumerated().map { i, kind in
    ABIChange(ABIDiffer.kinds[kind] ?? .note, kind,
              record: i % 3 == 0 ? nil : (i % 2 == 0 ? "struct io_uring_sqe" : "union fuzz_u\(i)"),
              member: i % 4 == 1 ? "rw_flags" : (i % 4 == 2 ? "tx.flags" : nil),
              constant: i % 3 == 0 ? "IORING_OP_LAST" : nil,
              old: "offset \(i)", new: "offset \(i + 8)", reason: "fuzz sample")
}

/// One input of the `suppressions` harness.
func fuzzSuppressions(_ input: UnsafeRawBufferPointer) {
    let text = String(decoding: input, as: UTF8.self)
    let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
    let parsed: Suppressions
    do {
        parsed = try Suppressions.parse(text, path: "fuzz.txt")
    } catch let e as Suppressions.ParseError {
        guard e.line >= 1, e.line <= lineCount, e.path == "fuzz.txt" else {
            violation("suppressions", "parse error names line \(e.line) of a \(lineCount)-line file")
        }
        return
    } catch {
        violation("suppressions", "parse threw something other than Suppressions.ParseError: \(error)")
    }
    for rule in parsed.rules where rule.line < 1 || rule.line > lineCount {
        violation("suppressions", "a rule names line \(rule.line) of a \(lineCount)-line file")
    }
    let applied = parsed.apply(to: sampleChanges)
    guard applied.count == sampleChanges.count else { violation("suppressions", "apply changed the number of changes") }
    for (a, b) in zip(applied, sampleChanges) {
        var unsuppressed = a
        unsuppressed.suppressed = false
        guard unsuppressed == b else { violation("suppressions", "apply changed a change beyond `suppressed`") }
    }
}
