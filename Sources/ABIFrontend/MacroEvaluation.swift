import ABIModel
import Foundation

extension Frontend {
    /// Evaluates the candidate macros twice, as clang and under gcc's predefined macros (``GCCIdentity``), and adds
    /// the integer constants to `reader`; the others go to its skipped list with the reason.
    /// `clang`: the values as clang gives them, when the group's own unit already evaluated them (``MacroLines``);
    /// without them, a macro unit of their own is parsed.
    static func evaluateMacros(_ candidates: [(name: String, definition: String, header: String)], includeLines: String,
                               arguments args: [String], headers: [(label: String, path: String)], options: ParseOptions,
                               clang: MacroValues? = nil, reader: inout Reader) throws {
        options.diagnostics?.phase("collect \(candidates.count) macros")
        if !candidates.isEmpty {
            let names = candidates.map(\.name), definitions = candidates.map(\.definition)
            let clangValues = try clang ?? evaluate(names, definitions: definitions, includeLines: includeLines, arguments: args + macroUnitArguments, headers: headers)
            options.diagnostics?.phase(clang == nil ? "parse macro unit" : "macros evaluated with the headers")
            // Parsed as gcc only when the headers could tell the two apart; otherwise it would give the same.
            let gccValues = CompilerIdentity.cannotDiffer(files: clangValues.files, arguments: args) ? clangValues
                : try evaluate(names, definitions: definitions, includeLines: includeLines, arguments: args.filter { $0 != "-w" } + macroUnitArguments + GCCIdentity.arguments, headers: headers)
            // When the headers themselves do not compile as gcc sees them, only values that differ count.
            let gccComplete = !gccValues.headerErrors
            options.diagnostics?.phase("parse macro unit as gcc")
            for (i, cand) in candidates.enumerated() {
                let outcome = clangValues.outcomes[i]
                let value: IntegerValue
                let type: String
                let info: (size: Int, signed: Bool)
                switch outcome {
                case .skipped(let reason):
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition, reason: reason))
                    continue
                case .value(let v, let t, let i):
                    (value, type, info) = (v, t, i)
                }
                if info.size > 8 {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition, reason: "a \(info.size * 8)-bit integer (\(type)): the model holds 64-bit values"))
                    continue
                }
                if case .value(let g, let gt, let gi) = gccValues.outcomes[i], !g.sameValue(as: value) || gi.size != info.size || gt != type {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition,
                                                       reason: "compiler-dependent: clang gives \(value) (\(type)), gcc \(GCCIdentity.version) gives \(g) (\(gt))"))
                    continue
                }
                if gccComplete, case .skipped(let why) = gccValues.outcomes[i] {
                    reader.skipped.append(SkippedMacro(name: cand.name, definition: cand.definition,
                                                       reason: "compiler-dependent: clang gives \(value) (\(type)), under gcc \(GCCIdentity.version)'s predefined macros it is not an integer constant (\(why))"))
                    continue
                }
                let constant = Constant(name: cand.name, value: value, type: type, size: info.size,
                                        signed: info.signed, origin: .macro, header: cand.header, definition: cand.definition)
                guard reader.seenEnumerators.insert(cand.name).inserted else {
                    // The name is already an enumerator (`#define X X`) or a macro of another header. C code
                    // after this header sees the macro: if its value differs, the macro is what the name means.
                    if let i = reader.constants.firstIndex(where: { $0.name == cand.name }), !reader.constants[i].value.sameValue(as: value) || reader.constants[i].size != info.size {
                        let old = reader.constants[i]
                        reader.warn("the \(old.origin.rawValue) \(cand.name) = \(old.value) (\(old.header)) is shadowed by a macro of the same name = \(value); the macro's value is kept",
                                    symbol: cand.name, location: cand.header)
                        reader.constants[i] = constant
                    }
                    continue
                }
                reader.constants.append(constant)
            }
        }
    }

    /// Arguments of both macro units: no typo correction. For each macro naming an undeclared identifier clang
    /// searched every identifier of the unit for a near spelling (about 1 ms each); such a macro is skipped either
    /// way, its reason now without clang's guess at the spelling (which depended on the other headers of the unit).
    static let macroUnitArguments = ["-fno-spell-checking"]

    /// What evaluating one macro gave.
    enum MacroOutcome {
        case value(IntegerValue, type: String, info: (size: Int, signed: Bool))
        case skipped(String)
    }

    /// The line that evaluates macro `name` as `__abigen_macro_<index>`. The static assertion rejects what is not an
    /// integer constant expression in C (an address-constant trick like `((long)&((T *)0)->m)` folds but is not one).
    static func evaluationLine(_ name: String, index: Int) -> String {
        "static __auto_type \(macroVariablePrefix)\(index) = (\(name)); _Static_assert((\(name)) == (\(name)), \"\");\n"
    }

    /// The name of macro k's variable is this prefix and k.
    static let macroVariablePrefix = "__abigen_macro_"

    /// The declarations that open and close a macro section. A header that ends inside a declaration (a missing
    /// `;`, an open brace) takes the first in, which then is no longer a declaration of its own at file scope, and
    /// an error at the end of the unit falls after the second, outside the evaluation lines.
    static let sectionBegin = "static const int \(sectionBeginName) = 1;\n"
    static let sectionEnd = "static const int \(sectionEndName) = 1;\n"
    /// The variables ``sectionBegin`` and ``sectionEnd`` declare.
    static let sectionBeginName = "__abigen_section_begin", sectionEndName = "__abigen_section_end"

    /// The part of a unit after its `#include` lines (which end on line `firstLine - 1`): ``sectionBegin`` on
    /// line `firstLine`, then for each name `#line 1` and its evaluation line (so `__LINE__` reads 1 in every unit
    /// and every order), then ``sectionEnd``.
    static func macroSection(_ names: [String]) -> String {
        var text = sectionBegin
        for (k, name) in names.enumerated() { text += "#line 1\n" + evaluationLine(name, index: k) }
        return text + sectionEnd
    }

    /// The line of a unit on which the macro section after `includeLines` (one `#include` per line) begins.
    static func sectionFirstLine(after includeLines: String) -> Int {
        includeLines.utf8.count { $0 == UInt8(ascii: "\n") } + 1
    }

    /// The line (as clang reports locations: in the file, not after `#line`) of evaluation `k` of a section that
    /// begins on `firstLine`; with k = the number of names, the line of ``sectionEnd`` plus one.
    static func sectionLine(_ k: Int, firstLine: Int) -> Int {
        let (twice, o1) = k.multipliedReportingOverflow(by: 2)
        let (line, o2) = firstLine.addingReportingOverflow(2)
        let (sum, o3) = line.addingReportingOverflow(twice)
        return o1 || o2 || o3 ? Int.max : sum
    }

    /// Whether a macro definition's brackets close in order (outside string and character literals). One that
    /// leaves a bracket open or closes one it did not open can take the lines after its own with it.
    static func isBalanced(_ definition: String) -> Bool {
        var depth = 0
        var quote: UInt8?
        var escaped = false
        for b in definition.utf8 {
            if let q = quote {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == q { quote = nil }
                continue
            }
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = b
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth < 0 { return false }
            default: break
            }
        }
        return depth == 0 && quote == nil
    }

    /// What evaluating a unit's macro lines gave: one outcome per macro, whether the headers themselves had errors,
    /// and the files the unit included.
    struct MacroValues {
        var outcomes: [MacroOutcome]
        var headerErrors: Bool
        var files: [String]
    }

    /// Parses a macro unit (the `#include` lines, then the ``macroSection(_:)`` of the names) and evaluates each
    /// name; also returns the files the unit included.
    ///
    /// A macro whose expansion leaves a bracket open (`({`) swallows the lines after it: their variables are missing
    /// or no longer at file scope, with no error of their own. So the names whose definitions do not balance come
    /// last, and swallowed lines are evaluated again in a unit without the line before them, up to four rounds; a
    /// line still swallowed then keeps "not a constant expression".
    static func evaluate(_ names: [String], definitions: [String], includeLines: String, arguments: [String],
                         headers: [(label: String, path: String)]) throws -> MacroValues {
        let firstLine = sectionFirstLine(after: includeLines)
        var outcomes = [MacroOutcome](repeating: .skipped("not a constant expression"), count: names.count)
        var first: MacroValues?
        let balanced = definitions.map(isBalanced)
        var pending = names.indices.filter { balanced[$0] } + names.indices.filter { !balanced[$0] }
        for _ in 0..<5 where !pending.isEmpty {
            let etu = try unit(includeLines + macroSection(pending.map { names[$0] }), arguments: arguments, detailed: false, headers: headers)
            let r = values(etu, diagnostics: etu.diagnostics, topLevel: etu.root.children,
                           slots: pending.indices.map { (line: sectionLine($0, firstLine: firstLine), variable: $0) })
            if first == nil { first = r.values }
            for (k, i) in pending.enumerated() { outcomes[i] = r.values.outcomes[k] }
            // Each run of swallowed lines after a line of its own unit (a run from the first line has no swallower).
            let lost = Set(r.lost)
            var again: [Int] = []
            var k = 0
            while k < pending.count {
                guard lost.contains(k) else { k += 1; continue }
                var end = k
                while end < pending.count, lost.contains(end) { end += 1 }
                if k > 0 { again += pending[k..<end] }
                k = end
            }
            pending = again
        }
        return MacroValues(outcomes: outcomes, headerErrors: first?.headerErrors ?? false, files: first?.files ?? [])
    }

    /// The outcome of each slot (the line of a macro's evaluation and the number of its variable) in a parsed unit;
    /// `lost` lists the slots whose variable is missing from file scope with no error on their line (a line
    /// swallowed by one before it).
    static func values(_ etu: TranslationUnit, diagnostics: [ClangDiagnostic], topLevel: [Cursor],
                       slots: [(line: Int, variable: Int)]) -> (values: MacroValues, lost: [Int]) {
        var errorsByLine: [Int: String] = [:]
        var headerErrors = false
        for d in diagnostics where d.isError {
            var line = d.line
            if d.file != mainName {
                // A too-large literal spelled in a header belongs to the macro whose line expanded it.
                guard d.expansionFile == mainName, d.message.hasPrefix("integer literal is too large") else { headerErrors = true; continue }
                line = d.expansionLine
            }
            errorsByLine[line] = errorsByLine[line] ?? d.message
        }
        var evaluated: [Int: Cursor] = [:]
        for c in topLevel where c.kind == .varDecl {
            let n = c.spelling
            guard n.hasPrefix(macroVariablePrefix), let i = Int(n.dropFirst(macroVariablePrefix.count)) else { continue }
            evaluated[i] = c
        }
        var lost: [Int] = []
        let outcomes: [MacroOutcome] = slots.enumerated().map { k, slot in
            if let err = errorsByLine[slot.line] { return .skipped("not a constant expression: \(err)") }
            guard let var_ = evaluated[slot.variable] else { lost.append(k); return .skipped("not a constant expression") }
            guard !var_.isInvalidDeclaration else { return .skipped("not a constant expression") }
            let type = var_.type.canonical
            guard let info = integerInfo(type) else { return .skipped("not an integer (type \(type.spelling))") }
            guard let v = var_.evaluateInteger() else { return .skipped("clang cannot evaluate it as an integer constant") }
            return .value(info.signed ? .signed(v.value) : .unsigned(v.unsigned), type: type.spelling, info: info)
        }
        return (MacroValues(outcomes: outcomes, headerErrors: headerErrors, files: etu.includedFiles), lost)
    }
}
