import ArgumentParser
import ABIFrontend
import ABIBackends
import ABIModel
import Foundation

/// The `abigen` root command (temporary).
public struct AbigenCommand: ParsableCommand {
    public init() {}
    public static let configuration = CommandConfiguration(commandName: "abigen", abstract: "Generate verified Swift layouts from C headers.")
    @Option var headers: [String] = []
    @Option var header: [String] = ["linux/io_uring.h"]
    @Option var format = "swift"
    public func run() throws {
        let s = try Frontend.parse(ParseOptions(includeDirectories: headers, headers: header, macroPrefixes: ["IORING_", "IOSQE_", "IO_URING_", "IO_WQ_", "SOCKET_URING_OP_"]))
        if format == "json" { FileHandle.standardOutput.write(try s.jsonData()) } else { print(SwiftEmitter.emit(s), terminator: "") }
    }
}
