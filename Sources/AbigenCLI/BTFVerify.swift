import ABIBackends
import ABIModel
import ArgumentParser
import Foundation

extension Verify {
    /// `--kernel-tree running` without `--btf`: a record read from BTF has no header a compiler could check.
    func refuseRunningKernelTree() throws {
        guard source.kernelTree == BTFInput.runningTree else { return }
        try HeaderOptions.refuseRunningKernelTree()
    }

    /// The snapshot `--snapshot` names, for a compiler to check: a BTF file, or a snapshot read from BTF, has no
    /// headers a compiler could compile, and is refused on one line (exit 2) with what to run instead.
    func probeableSnapshot(_ path: String) throws -> ABISnapshot {
        if (try? InputKind.of(path)) == .btf {
            throw ToolError("abigen: verify: \(path) is BTF, not a JSON snapshot, and has no headers a compiler could check; compare headers with it instead: abigen verify --headers DIR --btf \(path)")
        }
        let abi: ABISnapshot
        do { abi = try ABISnapshot.load(from: path) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        if let btf = abi.source?.btf {
            throw ToolError("abigen: verify: \(path) was read from BTF (\(btf.path)) and has no headers a compiler could check; compare it with a kernel's BTF instead: abigen verify --snapshot \(path) --btf FILE")
        }
        return abi
    }

    /// `verify --btf FILE`: compares the snapshot (or the headers' model) with what the BTF describes,
    /// classifying differences by the differ's rules; exit 1 on a breaking one.
    func verifyAgainstBTF(_ path: String) throws {
        let abi: ABISnapshot
        if let snapshot, (try? InputKind.of(snapshot)) == .btf {
            var options = source
            options.btf = nil
            abi = try BTFInput.snapshot(snapshot, options: options)
        } else if let snapshot {
            do { abi = try ABISnapshot.load(from: snapshot) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        } else {
            var headers = source
            headers.btf = nil
            abi = try headers.snapshot()
        }
        let kernel = try BTFInput.counterpart(of: abi, in: path, target: source.target)
        let restricted = BTFInput.restrict(abi, to: kernel)
        let changes = ABIDiffer.diff(old: restricted.snapshot, new: kernel)
        let label = snapshot ?? (source.includeDirectories.isEmpty ? "headers" : source.includeDirectories.joined(separator: ":"))
        let compared = restricted.snapshot.records.count
        let enumerators = restricted.snapshot.constants.count
        if compared == 0 && enumerators == 0 {
            throw ToolError("abigen: verify: \(label) and \(path) have nothing in common: no record or enumerator of \(label) is described by the BTF, so nothing was compared")
        }
        var text = "verify \(label) against \(path) (BTF): \(compared) record\(compared == 1 ? "" : "s") and \(enumerators) enumerator\(enumerators == 1 ? "" : "s") compared; "
        text += DiffReport.summary(changes) + "\n"
        text += "alignment read from BTF is inferred (BTF records none): an alignment difference is a note, never breaking\n"
        for line in restricted.lines { text += line + "\n" }
        let body = DiffReport.render(changes, format: .text, oldLabel: label, newLabel: path)
        // The text report's first line repeats the summary; the changes follow it.
        text += body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined()
        if !text.hasSuffix("\n") { text += "\n" }
        try OutputFile.writeStandardOutput(Data(text.utf8))
        if changes.contains(where: { $0.severity == .breaking && !$0.suppressed }) { throw ExitCode(1) }
    }
}
