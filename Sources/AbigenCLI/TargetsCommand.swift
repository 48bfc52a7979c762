import ABIBackends
import ArgumentParser
import Foundation

/// `abigen targets`: the Linux targets abigen knows and which of them this machine can serve.
struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",   // spelled out, as in Generate: no String(describing:) at every start
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
