import ABIModel

// ABIBackends: everything that turns an ``ABISnapshot`` into something else, one job per folder.
//   Swift/   the Swift emitter: names (SwiftNames), records, constants, and the support declarations, which are the
//            real source file Swift/Support/ABISupport.swift embedded at build time (Package.swift's embedInCode).
//   Layout/  layout pictures: byte facts per record (RecordLayoutFacts), Markdown tables, SVG byte maps, and the one
//            Markdown escaping rule (MarkdownEscaping) the diff report shares.
//   Diff/    the differ: the change model (ABIChange), record and constant classification, anonymous-member
//            matching, suppressions and the report renderers.
//   Verify/  the verifier: C probes, the compiler run, the ELF reader and the comparison.
