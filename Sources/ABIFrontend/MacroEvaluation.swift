import ABIModel
import Foundation

extension Frontend {
    /// Evaluates the candidate macros twice, as clang and under gcc's predefined macros (``GCCIdentity``), and adds
    /// the integer constants to `reader`; the others go to its skipped list with the reason.
    static func evaluateMacros(_ candidates: [(name: String, definition: String, header: String)], includeLines: String,
                               arguments args: [String], headers: [(label: String, path: String)], options: ParseOptions,
                               reader: inout Reader) throws {
        options.diagnostics?.phase("collect \(candidates.count) macros")
        if !candidates.isEmpty {
            let firstLine = includeLines.split(separator: "\n").count + 1
            var source = includeLines
            for (i, c) in candidates.enumerated() {
                // The static assertion rejects what is not an integer constant expression in C (an
                // address-constant trick like `((long)&((T *)0)->m)` folds but is not one).
                source += "static __auto_type __abigen_macro_\(i) = (\(c.name)); _Static_assert((\(c.name)) == (\(c.name)), \"\");\n"
            }
            let clangValues = try evaluate(source, arguments: args + macroUnitArguments, firstLine: firstLine, count: candidates.count, headers: headers)
            options.diagnostics?.phase("parse macro unit")
            // Parsed as gcc only when the headers could tell the two apart; otherwise it would give the same.
            let gccValues = CompilerIdentity.cannotDiffer(files: clangValues.files, arguments: args) ? clangValues
                : try evaluate(source, arguments: args.filter { $0 != "-w" } + macroUnitArguments + GCCIdentity.arguments, firstLine: firstLine, count: candidates.count, headers: headers)
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

    /// Parses the macro unit and evaluates `__abigen_macro_0 ..< count`; also returns the files the unit included.
    static func evaluate(_ source: String, arguments: [String], firstLine: Int, count: Int,
                         headers: [(label: String, path: String)]) throws -> (outcomes: [MacroOutcome], headerErrors: Bool, files: [String]) {
        let etu = try unit(source, arguments: arguments, detailed: false, headers: headers)
        var errorsByLine: [Int: String] = [:]
        var headerErrors = false
        for d in etu.diagnostics where d.isError {
            var line = d.line
            if d.file != mainName {
                // A too-large literal spelled in a header belongs to the macro whose line expanded it.
                guard d.expansionFile == mainName, d.message.hasPrefix("integer literal is too large") else { headerErrors = true; continue }
                line = d.expansionLine
            }
            errorsByLine[line] = errorsByLine[line] ?? d.message
        }
        var evaluated: [Int: Cursor] = [:]
        for c in etu.root.children where c.kind == .varDecl {
            let n = c.spelling
            guard n.hasPrefix("__abigen_macro_"), let i = Int(n.dropFirst("__abigen_macro_".count)) else { continue }
            evaluated[i] = c
        }
        let outcomes: [MacroOutcome] = (0..<count).map { i in
            if let err = errorsByLine[firstLine + i] { return .skipped("not a constant expression: \(err)") }
            guard let var_ = evaluated[i], !var_.isInvalidDeclaration else { return .skipped("not a constant expression") }
            let type = var_.type.canonical
            guard let info = integerInfo(type) else { return .skipped("not an integer (type \(type.spelling))") }
            guard let v = var_.evaluateInteger() else { return .skipped("clang cannot evaluate it as an integer constant") }
            return .value(info.signed ? .signed(v.value) : .unsigned(v.unsigned), type: type.spelling, info: info)
        }
        return (outcomes, headerErrors, etu.includedFiles)
    }
}
