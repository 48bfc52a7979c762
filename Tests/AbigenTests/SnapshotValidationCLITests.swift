import Foundation
import Testing

/// Every command that reads a snapshot (all load it through `ABISnapshot.load`), with `F` standing for the bad
/// file and `O` for an output path.
let snapshotCommands: [[String]] = [
    ["verify", "--snapshot", "F", "--headers", "/usr/include"],
    ["diff", "F", "F"],
    ["check", "--baseline", "F", "--headers", "/usr/include"],
    ["generate", "--snapshot", "F", "--format", "swift", "-o", "O"],
]

@Suite("Bad snapshots on the command line: exit 2, one line naming the file, nothing else")
struct SnapshotValidationCLITests {
    static var badFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Repo.root + "/Fixtures/bad/snapshots")) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test("the bad snapshots are there")
    func corpus() {
        #expect(Self.badFiles.count >= 80)
    }

    @Test("verify, diff, check and generate refuse each bad snapshot", arguments: badFiles)
    func refused(_ name: String) throws {
        let file = Repo.root + "/Fixtures/bad/snapshots/" + name
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = dir + "/out"
        for command in snapshotCommands {
            let args = command.map { $0 == "F" ? file : $0 == "O" ? output : $0 }
            let r = try abigen(args)
            let shown = "abigen \(command.joined(separator: " ")) on \(name)"
            #expect(r.status == 2, "\(shown): status \(r.status), stderr \(r.stderr.prefix(300))")
            #expect(r.stdout.isEmpty, "\(shown): stdout \(r.stdout.prefix(200))")
            let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty, "\(shown): exactly one line on stderr: \(r.stderr.prefix(300))")
            #expect(r.stderr.contains(file), "\(shown): the message names the file: \(r.stderr.prefix(300))")
            #expect(!FileManager.default.fileExists(atPath: output), "\(shown): no output file")
        }
    }

    @Test("the sample the bad snapshots break is accepted by the same commands")
    func validSampleAccepted() throws {
        // The golden snapshot is valid; verify it for real against today's headers (exit 0 or 1, never 2).
        let golden = Repo.root + "/Fixtures/golden/io_uring-6.1.json"
        let r = try abigen(["diff", golden, golden])
        #expect(r.status == 0, "\(r.stderr)")
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = try abigen(["generate", "--snapshot", golden, "--format", "swift", "-o", dir + "/out.swift"])
        #expect(g.status == 0 && FileManager.default.fileExists(atPath: dir + "/out.swift"), "\(g.stderr)")
    }
}
