import Foundation
import Synchronization
import Testing

/// Same input, same bytes: the whole uapi set generated repeatedly, two runs at a time (so the
/// machine is loaded and thread timing varies), must give identical output in every format.
@Suite("Determinism of the whole uapi set")
struct DeterminismTests {
    /// Runs `abigen generate` for `linux/*.h` in `format` into `path`.
    static func generate(_ format: String, into path: String) throws -> ProcessResult {
        try abigen(["--headers", "/usr/include", "--header", "linux/*.h", "--preset", "none", "--format", format, "-o", path])
    }

    /// Generates in `formats` (each round runs them concurrently) `rounds` times and returns the outputs per format.
    static func outputs(_ formats: [String], rounds: Int) throws -> [String: [Data]] {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var out: [String: [Data]] = [:]
        for round in 0..<rounds {
            let results = DispatchQueue.concurrentPerformResults(formats.count) { i in
                Result { try generate(formats[i], into: "\(dir)/\(round).\(formats[i])") }
            }
            for (i, r) in results.enumerated() {
                let run = try r.get()
                #expect(run.status == 0, "\(formats[i]) round \(round): \(run.stderr)")
                out[formats[i], default: []].append(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(round).\(formats[i])")))
            }
        }
        return out
    }

    @Test("json and swift: 5 runs each, in concurrent pairs, byte-identical")
    func jsonAndSwift() throws {
        let outs = try Self.outputs(["json", "swift"], rounds: 5)
        for (format, runs) in outs.sorted(by: { $0.key < $1.key }) {
            #expect(runs.count == 5)
            let first = try #require(runs.first)
            #expect(first.count > 1_000_000, "\(format) output is suspiciously small")
            for (i, r) in runs.enumerated().dropFirst() {
                #expect(r == first, "\(format): run \(i) differs from run 0")
            }
        }
    }

    @Test("markdown and svg: 2 runs each, in concurrent pairs, byte-identical")
    func markdownAndSVG() throws {
        let outs = try Self.outputs(["markdown", "svg"], rounds: 2)
        for (format, runs) in outs.sorted(by: { $0.key < $1.key }) {
            #expect(runs.count == 2)
            let first = try #require(runs.first)
            for (i, r) in runs.enumerated().dropFirst() {
                #expect(r == first, "\(format): run \(i) differs from run 0")
            }
        }
    }
}

extension DispatchQueue {
    /// Runs `body` for 0..<n concurrently and returns the results in order (each job owns its result).
    static func concurrentPerformResults<T: Sendable>(_ n: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "determinism", attributes: .concurrent)
        let results = (0..<n).map { i -> ResultCell<T> in
            let cell = ResultCell<T>()
            queue.async(group: group) { cell.set(body(i)) }
            return cell
        }
        group.wait()
        return results.compactMap { $0.get() }
    }
}

/// One job's result, set once under a lock.
final class ResultCell<T: Sendable>: Sendable {
    private let value = Mutex<T?>(nil)
    func set(_ v: T) { value.withLock { $0 = v } }
    func get() -> T? { value.withLock { $0 } }
}
