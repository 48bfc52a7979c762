import Foundation
import Testing

/// The committed corpus: targets and header sets (`Fixtures/corpus/sets.json`, described in
/// `Fixtures/corpus/README.md`).
struct Corpus: Decodable, Sendable {
    /// The architectures every set is generated and verified for.
    var targets: [CorpusTarget]
    /// The header sets.
    var sets: [CorpusSet]

    /// Reads and decodes the list with Foundation's decoder.
    static func load() throws -> Corpus {
        let path = CorpusPaths.corpusFile
        guard let data = FileManager.default.contents(atPath: path) else { throw CorpusSetupError("\(path): cannot read the corpus list") }
        return try JSONDecoder().decode(Corpus.self, from: data)
    }

    /// The list, or nil when it cannot be read (the well-formedness test reports why).
    static let shared: Corpus? = try? load()

    /// The sets to run: all, or those named in `ABIGEN_CORPUS_ONLY` (comma-separated).
    static var selectedSets: [CorpusSet] {
        let all = shared?.sets ?? []
        guard let only = ProcessInfo.processInfo.environment["ABIGEN_CORPUS_ONLY"], !only.isEmpty else { return all }
        let names = Set(only.split(separator: ",").map { String($0) })
        return all.filter { names.contains($0.name) }
    }
}

/// One architecture: its triple, its system include directory and the packages that provide it.
struct CorpusTarget: Decodable, Sendable {
    /// Short name used in set restrictions and messages (`x86_64`, `i686`, `aarch64`, `armhf`).
    var name: String
    /// The target triple passed as `--target` (not passed for the host, as a user would not).
    var triple: String
    /// True for the machine the tests run on (no `--target`; the generated Swift is type-checked).
    var host: Bool?
    /// The target's C library and kernel headers (`--headers`).
    var headers: [String]
    /// Debian packages that provide `headers`.
    var packages: [String]

    /// Whether this target is the build machine.
    var isHost: Bool { host ?? false }
}

/// A header set: what to pass to abigen and what its output must contain.
struct CorpusSet: Decodable, Sendable, CustomTestStringConvertible {
    /// A unique name for messages and `ABIGEN_CORPUS_ONLY`.
    var name: String
    /// The `--header` arguments, in order.
    var headers: [String]
    /// A library outside the C library: `/usr/include` is searched after the target's directory.
    var library: Bool?
    /// Further `--headers` directories, after the target's (e.g. /usr/include/freetype2).
    var includeDirectories: [String]?
    /// Further abigen arguments (`--include H`, `--clang-arg=-D…`).
    var arguments: [String]?
    /// Debian packages providing the headers (beyond the target's own).
    var packages: [String]
    /// The snapshot must have at least this many records on every target.
    var minRecords: Int
    /// The snapshot must have at least this many constants on every target.
    var minConstants: Int
    /// Records that must be in the snapshot on every target.
    var records: [String]?
    /// Constants that must be in the snapshot on every target.
    var constants: [String]?
    /// The targets this set runs on, when not all (only with `targetsReason`).
    var targets: [String]?
    /// Why the set does not run on the other targets.
    var targetsReason: String?

    var testDescription: String { name }

    /// Whether the set runs on `target`.
    func runs(on target: CorpusTarget) -> Bool { targets.map { $0.contains(target.name) } ?? true }

    /// Include directories for `target`, in search order.
    func includeDirectories(for target: CorpusTarget) -> [String] {
        var dirs = target.headers
        if library == true, !dirs.contains("/usr/include") { dirs.append("/usr/include") }
        for d in includeDirectories ?? [] where !dirs.contains(d) { dirs.append(d) }
        return dirs
    }

    /// The abigen arguments that select the headers for `target` (shared by generate and verify).
    func headerArguments(for target: CorpusTarget) -> [String] {
        var args = includeDirectories(for: target).flatMap { ["--headers", $0] }
        if !target.isHost { args += ["--target", target.triple] }
        return args + (arguments ?? [])
    }

    /// Packages to install when a header of this set is missing on `target`.
    func packagesNeeded(on target: CorpusTarget) -> [String] {
        library == true ? packages : target.packages + packages
    }
}
