import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation

/// abigen's version.
public let abigenVersion = "0.1.0"

/// The `abigen` root command: `generate` is the default subcommand.
public struct AbigenCommand: ParsableCommand {
    public init() {}
    public static let configuration = CommandConfiguration(
        commandName: "abigen",
        abstract: "Turn a kernel ABI in C headers into Swift layouts proven against a real C compiler.",
        discussion: """
        Reads C headers with libclang (the io_uring uapi by default) and prints
        Swift layout structs, offset tables and constants. `verify` proves every
        number against the C compiler; `diff` and `check` classify ABI changes
        between two header versions. Exit status: 0 fine, 1 a check failed,
        2 cannot run (bad flags, header not found, clang or compiler errors).

        Examples:
          abigen --headers /usr/include
              Swift for linux/io_uring.h (plus the kernel's struct io_uring_cmd)
          abigen --headers /usr/include --format json -o abi.json
              the ABI snapshot, a CI baseline
          abigen --headers /usr/i686-linux-gnu/include --target i686-linux-gnu
              the same ABI for another architecture
          abigen --headers /usr/include --kernel-tree ~/src/linux-6.12
              struct io_uring_cmd from a kernel source tree's cmd.h
          abigen --headers /usr/include --header 'linux/*.h' --preset none
              every header of the uapi, each record and integer macro
          abigen verify --headers /usr/include
          abigen check --baseline abi.json --headers /usr/include
        """,
        version: versionText,
        subcommands: [Generate.self, Verify.self, Diff.self, Check.self, RunConfig.self],
        defaultSubcommand: Generate.self
    )

    /// `abigen --version`: the tool and the libclang it loaded.
    static var versionText: String {
        "abigen \(abigenVersion)\nlibclang: \(LibClang.version) (loaded from \(LibClang.loadedPath))"
    }

    /// Runs the command line, mapping errors to one-line messages and exit statuses (0 ok, 1 check failed, 2 bad input).
    public static func runMain() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            Foundation.exit(0)
        } catch let e as ToolError {
            FileHandle.standardError.write(Data((e.message + "\n").utf8))
            Foundation.exit(e.status)
        } catch let e as ExitCode {
            Foundation.exit(e.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { self.exit(withError: error) }
            FileHandle.standardError.write(Data(("abigen: " + fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// `abigen generate` (the default): Swift, JSON or a report for the headers' ABI.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print Swift layouts (or the JSON snapshot) for the headers' ABI (the default command).",
        discussion: """
        Every struct and union of the selected headers becomes a Swift struct
        whose MemoryLayout size and alignment equal C's, with get/set accessors
        at each member's C offset (members of anonymous unions overlap), the
        zero-length `cmd[0]` area as raw bytes, and an offset table `abiFields`.
        Named enums become RawRepresentable structs; anonymous enumerators and
        integer macros become typed constants. Macros that are not integer
        constant expressions are listed in a comment, never guessed.
        """)

    @OptionGroup var source: HeaderOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Output format: swift, json (the ABI snapshot), markdown (pahole-style tables), svg (byte maps).", valueName: "format"))
    var format: OutputFormat = .swift

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Render this snapshot file instead of parsing headers.", valueName: "file"))
    var snapshot: String?

    @Option(help: ArgumentHelp("svg: draw a record past its size, e.g. io_uring_sqe=128 to show the SQE128 command area (the io_uring preset does this by default).", valueName: "name=size"))
    var extend: [String] = []

    @Flag(help: "Omit the shared ABIField/ABILayout declarations (when another generated file in the module has them).")
    var noSupportTypes = false

    @Option(help: ArgumentHelp("Access level of generated declarations: public or internal.", valueName: "level"))
    var access: String = "public"

    func validate() throws {
        guard access == "public" || access == "internal" else { throw ValidationError("--access must be public or internal") }
    }

    func run() throws {
        Trace.mark("generate: start")
        defer { Trace.mark("generate: written") }
        let abi: ABISnapshot
        if let snapshot {
            do { abi = try ABISnapshot.load(from: snapshot) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        } else {
            abi = try source.snapshot()
        }
        Trace.mark("generate: parsed")
        let data: Data
        switch format {
        case .json:
            data = try abi.jsonData()
        case .swift:
            let options = SwiftEmitterOptions(emitSupportTypes: !noSupportTypes, accessLevel: access)
            data = Data(SwiftEmitter.emit(abi, options: options).utf8)
        case .markdown:
            data = Data(LayoutMarkdown.render(abi).utf8)
        case .svg:
            var sizes: [String: Int] = source.preset == "io_uring" ? ["io_uring_sqe": 128] : [:]
            for e in extend {
                let parts = e.split(separator: "=")
                guard parts.count == 2, let n = Int(parts[1]) else { throw ToolError("abigen: --extend \(e): expected NAME=SIZE, e.g. io_uring_sqe=128") }
                sizes[String(parts[0])] = n
            }
            data = Data(LayoutSVG.render(abi, extend: sizes).utf8)
        }
        try writeOutput(data, to: output)
    }
}

/// Output formats of `generate`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case swift, json, markdown, svg
}
