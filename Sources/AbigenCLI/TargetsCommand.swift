import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
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
            let gcc = Verifier.executablePath(t.isHost ? "gcc" : t.gccCommand) != nil
            return TargetAvailability(target: t, hasHeaders: headers, hasClang: backends.contains(t.clangBackend), hasGCC: gcc)
        }
    }

    /// The backend names `clang -print-targets` lists; empty when clang is missing.
    static func clangBackends() -> Set<String> {
        guard let clang = Verifier.executablePath("clang") else { return [] }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: clang)
        p.arguments = ["-print-targets"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var names = Set<String>()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, parts[1] == "-" { names.insert(String(parts[0])) }
        }
        return names
    }
}

/// `abigen targets`: the Linux targets abigen knows and which of them this machine can serve.
struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the Linux targets abigen knows, their Debian packages, and which this machine can serve now.",
        discussion: """
        One line per target: triple, byte order, pointer size, include directory,
        whether its headers, a clang backend and its gcc cross compiler are present,
        and the Debian packages that provide them. A target is ready when its
        headers and clang backend are present (m68k also needs gcc: clang's m68k
        layouts are corrected from gcc's).
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: ArgumentHelp("Output format: text or json.", valueName: "format"))
    var format: Format = .text

    func run() throws {
        let rows = TargetAvailability.survey()
        var out = ""
        switch format {
        case .text:
            let table = [["target", "endian", "ptr", "include", "headers", "clang", "gcc", "ready", "packages", "flags"]]
                + rows.map { a in
                    [a.target.triple, a.target.endianness.rawValue, String(a.target.pointerSize), a.target.includeDirectory,
                     a.hasHeaders ? "yes" : "no", a.hasClang ? "yes" : "no", a.hasGCC ? "yes" : "no", a.servable ? "yes" : "no",
                     a.target.packages.joined(separator: " "), a.target.clangFlags.joined(separator: " ")]
                }
            var widths = [Int](repeating: 0, count: table[0].count)
            for r in table { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
            for r in table {
                out += r.enumerated().map { i, c in i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            }
            out += "\(rows.filter(\.servable).count) of \(rows.count) targets ready\n"
        case .json:
            let objects = rows.map { a in
                let t = a.target
                return "  {\"triple\": \"\(t.triple)\", \"debianArchitecture\": \"\(t.debianArchitecture)\", "
                    + "\"endianness\": \"\(t.endianness.rawValue)\", \"pointerSize\": \(t.pointerSize), "
                    + "\"includeDirectory\": \"\(t.includeDirectory)\", \"clangBackend\": \"\(t.clangBackend)\", "
                    + "\"clangFlags\": [\(t.clangFlags.map { "\"\($0)\"" }.joined(separator: ", "))], "
                    + "\"packages\": [\(t.packages.map { "\"\($0)\"" }.joined(separator: ", "))], "
                    + "\"headers\": \(a.hasHeaders), \"clang\": \(a.hasClang), \"gcc\": \(a.hasGCC), \"ready\": \(a.servable)}"
            }
            out = "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        }
        try OutputFile.writeStandardOutput(Data(out.utf8))
    }
}
