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
        subcommands: [Generate.self, Verify.self, Diff.self, Check.self, RunConfig.self, Targets.self, Matrix.self],
        defaultSubcommand: Generate.self
    )

    /// `abigen --version`: the tool and the libclang it loaded.
    static var versionText: String {
        "abigen \(abigenVersion)\nlibclang: \(LibClang.version) (loaded from \(LibClang.loadedPath))"
    }

    /// Runs the command line, mapping errors to one-line messages and exit statuses (0 ok, 1 check failed, 2 bad input).
    public static func runMain() async -> Never {
        OutputFile.reserveStandardDescriptors()
        signal(SIGPIPE, SIG_IGN)   // a closed pipe is a write error reported as one line, not a silent death
        let signals = Interrupts.install()
        defer { withExtendedLifetime(signals) {} }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            fail(error)
        }
    }

    /// Reports an error as one line on standard error (help and version go to standard output) and exits.
    static func fail(_ error: Error) -> Never {
        switch error {
        case let e as ToolError:
            printError(e.message)
            Foundation.exit(e.status)
        case let e as ExitCode:
            Foundation.exit(e.rawValue)
        default:
            break
        }
        if exitCode(for: error) == .success {   // --help, --version, `abigen help`
            do { try OutputFile.writeStandardOutput(Data((fullMessage(for: error) + "\n").utf8)) } catch { fail(error) }
            Foundation.exit(0)
        }
        let message = oneLine(message(for: error))
        if message.isEmpty { Foundation.exit(exitCode(for: error).rawValue == 0 ? 0 : 2) }
        printError(message.hasPrefix("abigen: ") ? message : "abigen: " + message + " (see abigen help)")
        Foundation.exit(2)
    }

    /// A message on one line: lines joined with "; ", each trimmed.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// Writes one line to standard error (nothing else can be done when that fails).
    static func printError(_ line: String) { OutputFile.writeStandardError(line) }
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

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output (-: standard output). A regular file is replaced atomically (a symbolic link: its target); a device or FIFO is written to, never replaced.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Render this snapshot file instead of parsing headers.", valueName: "file"))
    var snapshot: String?

    @Option(help: ArgumentHelp("svg: draw a record past its size, e.g. io_uring_sqe=128 to show the SQE128 command area (the io_uring preset does this by default). At most \(Generate.extendLimit) bytes.", valueName: "name=size"))
    var extend: [String] = []

    @Flag(help: "Omit the shared ABIField/ABILayout declarations (when another generated file in the module has them).")
    var noSupportTypes = false

    @Option(help: ArgumentHelp("Access level of generated declarations: public or internal.", valueName: "level"))
    var access: AccessLevel = .public

    /// The largest `--extend` size (1 MiB): a byte map is drawn byte by byte.
    static let extendLimit = 1 << 20

    func validate() throws {
        _ = try extendedSizes()
    }

    /// `--extend` parsed and checked: record name to size.
    func extendedSizes() throws -> [String: Int] {
        var sizes: [String: Int] = source.preset == "io_uring" ? ["io_uring_sqe": 128] : [:]
        for e in extend {
            let parts = e.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let n = Int(parts[1]) else {
                throw ToolError("abigen: --extend \(e): expected NAME=SIZE, e.g. io_uring_sqe=128")
            }
            guard n > 0, n <= Generate.extendLimit else {
                throw ToolError("abigen: --extend \(e): the size must be 1 ... \(Generate.extendLimit) (1 MiB)")
            }
            sizes[String(parts[0])] = n
        }
        return sizes
    }

    func run() throws {
        Trace.mark("generate: start")
        defer { Trace.mark("generate: written") }
        let data = try render()
        try OutputFile.write(data, to: output)
    }

    /// The output's bytes.
    func render() throws -> Data {
        let abi: ABISnapshot
        if let snapshot {
            do { abi = try ABISnapshot.load(from: snapshot) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        } else {
            abi = try source.snapshot()
        }
        Trace.mark("generate: parsed")
        switch format {
        case .json:
            return try abi.jsonData()
        case .swift:
            let options = SwiftEmitterOptions(emitSupportTypes: !noSupportTypes, accessLevel: access.rawValue)
            return Data(SwiftEmitter.emit(abi, options: options).utf8)
        case .markdown:
            return Data(LayoutMarkdown.render(abi).utf8)
        case .svg:
            return Data(LayoutSVG.render(abi, extend: try extendedSizes()).utf8)
        }
    }
}

/// Output formats of `generate`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case swift, json, markdown, svg
}

/// Access levels of generated declarations.
enum AccessLevel: String, ExpressibleByArgument, CaseIterable, Sendable {
    case `public`, `internal`
}

extension DiffFormat: ExpressibleByArgument {}
extension FailOn: ExpressibleByArgument {}

/// SIGINT and SIGTERM: remove registered temporary directories and stop child compilers, then exit 130 or 143.
enum Interrupts {
    /// Installs the handlers; the caller keeps the returned sources alive for as long as they should act.
    static func install() -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "abigen.signals")
        return [(SIGINT, Int32(130)), (SIGTERM, Int32(143))].map { signalNumber, status in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                InterruptCleanup.cleanUp()
                _exit(status)
            }
            source.resume()
            return source
        }
    }
}
