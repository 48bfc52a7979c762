import ArgumentParser
import Foundation

/// `abigen config`: run every output of an abigen.json (what the SwiftPM plugin calls).
struct RunConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Generate every output listed in an abigen.json configuration file.",
        discussion: """
        The file lists outputs, each with the options of `abigen generate`:
          { "outputs": [ { "output": "Sources/X/Generated/ABI.swift", "headers": ["/usr/include"],
                           "header": ["linux/io_uring.h"], "preset": "io_uring", "records": ["io_uring_*"],
                           "macroPrefixes": ["IORING_"], "target": "aarch64-linux-gnu",
                           "kernelTree": ".build/kernel-trees/6.12", "format": "swift" } ] }
        Relative paths are relative to the configuration file. `swift package generate-abi` runs this.
        """)

    @Argument(help: ArgumentHelp("The configuration file.", valueName: "abigen.json"), completion: .file(extensions: ["json"]))
    var file: String = "abigen.json"

    func run() throws {
        let config = try AbigenConfig.load(file)
        let base = (URL(fileURLWithPath: file).deletingLastPathComponent().path)
        // Render every output, then stage every file, then rename them: nothing is written unless all succeed.
        var rendered: [(path: String, data: Data)] = []
        var commands: [Generate] = []
        for (i, o) in config.outputs.enumerated() {
            do { commands.append(try AbigenConfig.command(for: o, base: base)) } catch {
                var message = AbigenCommand.oneLine(Generate.message(for: error))
                // The command's own messages start with the program's name; the line has it once.
                for prefix in ["abigen: ", "Error: "] where message.hasPrefix(prefix) { message.removeFirst(prefix.count) }
                throw ToolError("abigen: \(file): outputs[\(i)]: \(message)")
            }
        }
        try AbigenConfig.refuseSharedOutputs(commands.map { $0.output ?? "-" }, file: file)
        for command in commands { rendered.append((command.output ?? "-", try command.render())) }
        // `-` is standard output: nothing to stage, written in its turn.
        var staged: [OutputFile.Staged?] = []
        do {
            for r in rendered { staged.append(r.path == "-" ? nil : try OutputFile.stage(r.data, at: r.path)) }
        } catch {
            staged.compactMap { $0 }.forEach(OutputFile.discard)
            throw error
        }
        for (r, s) in zip(rendered, staged) {
            do {
                if let s { try OutputFile.commit(r.data, s) } else { try OutputFile.writeStandardOutput(r.data) }
            } catch {
                staged.compactMap { $0 }.forEach(OutputFile.discard)
                throw error
            }
        }
        for o in config.outputs where o.output != "-" { AbigenCommand.printError("abigen: wrote \(o.output)") }
    }
}
