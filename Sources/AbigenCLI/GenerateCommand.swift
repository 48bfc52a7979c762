import ABIBackends
import ABIModel
import ArgumentParser
import Foundation

/// `abigen generate` (the default): Swift, JSON or a report for the headers' ABI.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",   // spelled out: ArgumentParser would derive it with String(describing:), at every start
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

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output (-: standard output). A regular file is replaced atomically (a symbolic link: its target); a device or FIFO is written to, never replaced.", valueName: "file"), completion: .file())
    var output: String?

    @Option(help: ArgumentHelp("Render this snapshot file instead of parsing headers.", valueName: "file"), completion: .file(extensions: ["json"]))
    var snapshot: String?

    @Option(help: ArgumentHelp("svg: draw a record past its size, e.g. io_uring_sqe=128 to show the SQE128 command area (the io_uring preset does this by default). At most \(Generate.extendLimit) bytes.", valueName: "name=size"))
    var extend: [String] = []

    @Flag(help: "Omit the shared ABIField/ABILayout declarations (when another generated file in the module has them).")
    var noSupportTypes = false

    @Option(name: .customLong("access"), help: ArgumentHelp("swift: access level of generated declarations: public (default) or internal.", valueName: "level"))
    var accessGiven: AccessLevel?

    /// The access level of generated declarations (`--access`, default public).
    var access: AccessLevel {
        get { accessGiven ?? .public }
        set { accessGiven = newValue }
    }

    /// The largest `--extend` size (1 MiB): a byte map is drawn byte by byte.
    static let extendLimit = 1 << 20

    func validate() throws {
        _ = try extendedSizes()
        // Only what the user typed: the io_uring preset's own extension of io_uring_sqe is not an option given.
        if !extend.isEmpty, format != .svg { throw ToolError("abigen: --extend applies to --format svg only, not \(format.rawValue)") }
        if accessGiven != nil, format != .swift { throw ToolError("abigen: --access applies to --format swift only, not \(format.rawValue)") }
        if noSupportTypes, format != .swift { throw ToolError("abigen: --no-support-types applies to --format swift only, not \(format.rawValue)") }
        try BTFInput.refuseHeaderOptions(source, command: "")
        if let snapshot, let btf = source.btf { throw ToolError("abigen: --snapshot \(snapshot) and --btf \(btf) conflict: read one of them") }
        if let snapshot, let option = (source.readingOptionsGiven + source.selectionOptionsGiven).first {
            throw ToolError("abigen: --snapshot \(snapshot) and \(option) conflict: a snapshot is rendered as it is, no header is read")
        }
    }

    /// `--extend` parsed and checked: record name to size.
    func extendedSizes() throws -> [String: Int] {
        var sizes: [String: Int] = source.preset == .ioUring ? ["io_uring_sqe": 128] : [:]
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
        let diagnostics = source.diagnostics
        diagnostics.phase("generate: start")
        let (parts, abi) = try renderParts()
        try OutputFile.write(parts, to: output)
        diagnostics.phase("generate: written")
        // The process exits next: the model (hundreds of thousands of small objects for a whole kernel) and the
        // output are left to the exit to take back, not freed one by one first.
        ProcessLifetime.keep(abi, parts)
    }

    /// The output's bytes.
    func render() throws -> Data {
        let parts = try renderParts().parts
        guard parts.count > 1 else { return parts.first ?? Data() }
        return parts.reduce(into: Data()) { $0.append($1) }
    }

    /// The output's bytes in pieces, in order (a large JSON snapshot is written in parallel pieces), and the model.
    func renderParts() throws -> (parts: [Data], model: ABISnapshot) {
        let abi = try model()
        return (try render(abi), abi)
    }

    /// The model to render: the snapshot file, or what the header options or `--btf` read.
    func model() throws -> ABISnapshot {
        let abi: ABISnapshot
        if let snapshot {
            do { abi = try ABISnapshot.load(from: snapshot) } catch let e as SnapshotError { throw ToolError("abigen: \(e)") }
        } else {
            abi = try source.snapshot()
        }
        source.diagnostics.phase("generate: parsed")
        return abi
    }

    /// `abi` rendered in the chosen format, in pieces.
    func render(_ abi: ABISnapshot) throws -> [Data] {
        switch format {
        case .json:
            return try abi.jsonParts()
        case .swift:
            let options = SwiftEmitterOptions(emitSupportTypes: !noSupportTypes, accessLevel: access.rawValue)
            return [Data(SwiftEmitter.emit(abi, options: options).utf8)]
        case .markdown:
            return [Data(LayoutMarkdown.render(abi).utf8)]
        case .svg:
            try refuseUnknownExtensions(abi)
            return [Data(LayoutSVG.render(abi, extend: try extendedSizes()).utf8)]
        }
    }

    /// Refuses an `--extend NAME=SIZE` whose record the snapshot does not have (it would draw nothing).
    func refuseUnknownExtensions(_ abi: ABISnapshot) throws {
        let names = Set(abi.records.map(\.name))
        for e in extend {
            let name = String(e.prefix { $0 != "=" })
            if !names.contains(name) { throw ToolError("abigen: --extend \(e): the snapshot has no record \(name)") }
        }
    }
}
