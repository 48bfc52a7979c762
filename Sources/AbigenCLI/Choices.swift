import ABIBackends
import ArgumentParser

/// Output formats of `generate`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case swift, json, markdown, svg
}

/// Access levels of generated declarations.
enum AccessLevel: String, ExpressibleByArgument, CaseIterable, Sendable {
    case `public`, `internal`
}

/// The compilers `--compilers` can name.
enum CompilerName: String, CaseIterable, Sendable {
    case clang, gcc
}

extension DiffFormat: ExpressibleByArgument {}
extension FailOn: ExpressibleByArgument {}
