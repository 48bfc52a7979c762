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
        libclang is loaded only by commands that parse headers (and --version);
        ABIGEN_LIBCLANG=PATH loads that library instead of the one abigen was built against.

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
          abigen --btf /sys/kernel/btf/vmlinux --record io_uring_cmd
              a record from the running kernel's BTF (diff and check take BTF files too)
          abigen check --baseline abi.json --btf /sys/kernel/btf/vmlinux
        """,
        version: versionPlaceholder,
        subcommands: [Generate.self, Verify.self, Diff.self, Check.self, RunConfig.self, Targets.self, Matrix.self],
        defaultSubcommand: Generate.self
    )

    /// The version ArgumentParser holds: `--version` prints ``versionText`` instead, so that only it loads libclang
    /// (the configuration is built for every command line).
    static let versionPlaceholder = "abigen \(abigenVersion)"

    /// `abigen --version`: the tool and the libclang it loaded.
    static var versionText: String {
        "abigen \(abigenVersion)\nlibclang: \(LibClang.version) (loaded from \(LibClang.loadedPath))"
    }

    /// Runs the command line, mapping errors to one-line messages and exit statuses (0 ok, 1 check failed, 2 bad input).
    public static func runMain() async -> Never {
        OutputFile.reserveStandardDescriptors()
        signal(SIGPIPE, SIG_IGN)   // a closed pipe is a write error reported as one line, not a silent death
        let signals = Interrupts.install()
        let arguments = Array(CommandLine.arguments.dropFirst())
        // After the signal sources, which can start a dispatch thread: while the preload's dlopen relocates libclang it
        // holds the loader's TLS lock, which every pthread_create waits for (measured: up to 7 ms here).
        if parsesHeaders(arguments) { LibClang.preload() }
        defer { withExtendedLifetime(signals) {} }
        do {
            try refuseUnknownHelpTopic(arguments)
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

    /// Whether the command line surely parses headers (generate or verify reading headers), judged from the words
    /// alone before parsing: then libclang loads on another core while the arguments are parsed. Anything else
    /// (help, version, a snapshot or BTF input, other commands) is no.
    static func parsesHeaders(_ arguments: [String]) -> Bool {
        if let first = arguments.first, !first.hasPrefix("-"), first != "generate", first != "verify" { return false }
        let elsewhere = ["--help", "--version", "--snapshot", "--btf", "--experimental-dump-help", "--generate-completion-script"]
        return !arguments.contains { word in
            word == "help" || word == "--" || (word.hasPrefix("-") && !word.hasPrefix("--") && word.contains("h"))
                || elsewhere.contains { word.hasPrefix($0) }
        }
    }

    /// `abigen help NAME` where NAME is no subcommand: refused on one line (exit 2), where ArgumentParser would print
    /// the top-level help and exit 0.
    static func refuseUnknownHelpTopic(_ arguments: [String]) throws {
        guard arguments.count > 1, arguments[0] == "help", !arguments[1].hasPrefix("-") else { return }
        let names = configuration.subcommands.map { $0._commandName }
        guard !names.contains(arguments[1]), arguments[1] != "help" else { return }
        throw ToolError("abigen: help: unknown command \(SnapshotText.shown(arguments[1]).debugDescription) (commands: \(names.joined(separator: ", ")))")
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
            var text = fullMessage(for: error)
            if text == versionPlaceholder {
                do { try LibClang.load() } catch { fail(ToolError("abigen: \(error)")) }
                text = versionText
            }
            do { try OutputFile.writeStandardOutput(Data((text + "\n").utf8)) } catch { fail(error) }
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
