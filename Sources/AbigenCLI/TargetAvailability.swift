import ABIBackends
import ABIFrontend
import ABIModel
import Foundation

/// What this machine has for one target.
struct TargetAvailability: Sendable {
    /// The table entry.
    var target: LinuxTarget
    /// `<include dir>/linux` exists (Debian's cross headers are installed).
    var hasHeaders: Bool
    /// clang has the target's backend.
    var hasClang: Bool
    /// The gcc for the target is on PATH (`T-gcc`; for the host, `gcc`).
    var hasGCC: Bool

    /// Headers and clang: the target can be generated and verified now (m68k also needs gcc).
    var servable: Bool { hasHeaders && hasClang && (LayoutPolicy.refusal(target: target.triple) == nil || hasGCC) }

    /// The gcc command for the target.
    var gccCommand: String { target.isHost ? "gcc" : target.gccCommand }

    /// Availability of every target in the table (one `clang -print-targets` run).
    static func survey(_ targets: [LinuxTarget] = LinuxTarget.all) -> [TargetAvailability] {
        let backends = clangBackends()
        let fm = FileManager.default
        return targets.map { t in
            var isDir: ObjCBool = false
            let headers = fm.fileExists(atPath: t.includeDirectory + "/linux", isDirectory: &isDir) && isDir.boolValue
            let gcc = ProcessRunner.executablePath(t.isHost ? "gcc" : t.gccCommand) != nil
            return TargetAvailability(target: t, hasHeaders: headers, hasClang: backends.contains(t.clangBackend), hasGCC: gcc)
        }
    }

    /// The backend names `clang -print-targets` lists; empty when clang is missing.
    static func clangBackends() -> Set<String> {
        guard let clang = ProcessRunner.executablePath("clang"),
              let r = try? ProcessRunner.run(clang, ["-print-targets"], includeStandardError: false) else { return [] }
        var names = Set<String>()
        for line in r.output.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, parts[1] == "-" { names.insert(String(parts[0])) }
        }
        return names
    }
}
