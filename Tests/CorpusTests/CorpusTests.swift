import Foundation
import Testing

/// Issue 11's corpus: header sets from this machine's /usr/include, each generated and verified on
/// four targets with `.build/debug/abigen`, and its generated Swift type-checked on the host.
///
/// The oracles are the C compiler (through `abigen verify`, which compiles a probe of every size,
/// offset, bitfield and constant for the target), `swiftc` (type-checking the generated Swift) and
/// Foundation's JSON decoder (reading the snapshot for the expected records and constants).
/// Sets run concurrently (Swift Testing runs the cases on the cooperative pool, one per core);
/// within a set the targets run one after another, each in the set's own temporary directory.
@Suite("Header corpus on four targets")
struct CorpusTests {
    @Test("the committed list is well-formed: at least 50 sets, not only linux/, every target named")
    func listIsWellFormed() throws {
        let corpus = try Corpus.load()
        #expect(corpus.sets.count >= 50)
        let names = corpus.sets.map(\.name)
        #expect(Set(names).count == names.count, "set names must be unique")
        #expect(Set(corpus.targets.map(\.name)) == ["x86_64", "i686", "aarch64", "armhf"])
        #expect(corpus.targets.filter(\.isHost).count == 1)
        let nonLinux = corpus.sets.filter { !$0.headers.allSatisfy { $0.hasPrefix("linux/") } }
        #expect(nonLinux.count >= 25, "the corpus must not be only linux/ headers")
        #expect(corpus.sets.contains { $0.library == true }, "the corpus must cover libraries outside the C library")
        for set in corpus.sets {
            #expect(!set.headers.isEmpty, "\(set.name): no header")
            #expect(set.minRecords >= 0 && set.minConstants >= 0, "\(set.name): negative minimum")
            if let only = set.targets {
                #expect(set.targetsReason?.isEmpty == false, "\(set.name): runs on \(only) only, but says not why")
                #expect(Set(only).isSubset(of: corpus.targets.map(\.name)), "\(set.name): unknown target in \(only)")
            }
        }
    }

    @Test("every target's include directory and the host's swiftc are present")
    func toolsPresent() throws {
        let corpus = try Corpus.load()
        let host = try #require(corpus.targets.first { $0.isHost })
        #expect(machineName() == "x86_64", "the corpus's host target is \(host.triple); this machine is \(machineName())")
        for t in corpus.targets {
            for dir in t.headers {
                var isDir: ObjCBool = false
                #expect(FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) && isDir.boolValue,
                        "\(t.name): \(dir) is missing: install \(t.packages.joined(separator: " ")) (.ci/packages.sh)")
            }
        }
        #expect(FileManager.default.isExecutableFile(atPath: CorpusPaths.binary), "\(CorpusPaths.binary) is missing: run swift build first")
    }

    @Test("generate, verify on four targets, type-check the host's Swift", arguments: Corpus.selectedSets)
    func headerSet(_ set: CorpusSet) throws {
        let corpus = try Corpus.load()
        let dir = try CorpusPaths.temporaryDirectory(set.name)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for target in corpus.targets where set.runs(on: target) {
            try check(set, on: target, in: dir)
        }
    }

    /// Generates, verifies and (on the host) type-checks one set for one target, recording every failure.
    func check(_ set: CorpusSet, on target: CorpusTarget, in dir: String) throws {
        let where_ = "\(set.name) [\(target.name)]"
        // A header that is not installed is a failure naming the package, never a silent skip.
        // The target's multiarch directory counts as installed: that a header there is not found
        // is abigen's defect, and the generate step below reports it.
        let searched = set.includeDirectories(for: target) + ["/usr/include/\(target.triple)"]
        for header in set.headers where !searched.contains(where: { FileManager.default.fileExists(atPath: $0 + "/" + header) }) {
            Issue.record("\(where_) setup: \(header) is not installed (looked in \(searched.joined(separator: ", "))): install \(set.packagesNeeded(on: target).joined(separator: " "))")
            return
        }
        let headerArgs = set.headerArguments(for: target)
        let json = dir + "/\(target.name).json"
        let gen = try run(CorpusPaths.binary, headerArgs + set.headers.flatMap { ["--header", $0] }
                          + ["--preset", "none", "--format", "json", "-o", json], in: dir, label: "\(target.name)-generate")
        guard gen.status == 0 else {
            Issue.record("\(where_) generate: exit \(gen.status)\n\(gen.head())")
            return
        }
        checkContents(set, json: json, where: where_)

        let verify = try run(CorpusPaths.binary, ["verify", "--snapshot", json] + headerArgs, in: dir, label: "\(target.name)-verify")
        if verify.status != 0 {
            Issue.record("\(where_) verify: exit \(verify.status)\n\(verify.head(12))")
        } else if !verify.stdout.contains(": 0 mismatches") {
            Issue.record("\(where_) verify: exit 0 without `0 mismatches`\n\(verify.head())")
        }

        guard target.isHost else { return }
        let swift = dir + "/Generated.swift"
        let emit = try run(CorpusPaths.binary, ["--snapshot", json, "--format", "swift", "-o", swift], in: dir, label: "swift-emit")
        guard emit.status == 0 else {
            Issue.record("\(where_) Swift emit: exit \(emit.status)\n\(emit.head())")
            return
        }
        let typecheck = try run("swiftc", ["-typecheck", "-swift-version", "6", "-module-name", "CorpusCheck", swift], in: dir, label: "swiftc")
        if typecheck.status != 0 {
            let errors = typecheck.stderr.split(separator: "\n").filter { $0.contains("error:") }
            Issue.record("\(where_) Swift type-check: exit \(typecheck.status), \(errors.count) errors\n\(errors.prefix(8).joined(separator: "\n"))")
        }
    }

    /// Reads the snapshot with Foundation and checks the set's expected records and constants.
    func checkContents(_ set: CorpusSet, json: String, where where_: String) {
        guard let data = FileManager.default.contents(atPath: json),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            Issue.record("\(where_) generate: \(json) is not a JSON object")
            return
        }
        let names: (String) -> [String] = { key in
            ((object[key] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        }
        let records = names("records"), constants = names("constants")
        #expect(records.count >= set.minRecords, "\(where_): \(records.count) records, expected at least \(set.minRecords)")
        #expect(constants.count >= set.minConstants, "\(where_): \(constants.count) constants, expected at least \(set.minConstants)")
        let missingRecords = (set.records ?? []).filter { !records.contains($0) }
        let missingConstants = (set.constants ?? []).filter { !constants.contains($0) }
        #expect(missingRecords.isEmpty, "\(where_): records missing from the snapshot: \(missingRecords)")
        #expect(missingConstants.isEmpty, "\(where_): constants missing from the snapshot: \(missingConstants)")
    }
}
