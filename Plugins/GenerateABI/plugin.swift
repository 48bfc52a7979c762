import Foundation
import PackagePlugin

/// `swift package generate-abi [abigen.json]`: regenerates a package's checked-in ABI layouts
/// from its abigen.json by running `abigen config`.
@main
struct GenerateABI: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "abigen")
        let root = context.package.directoryURL
        let config = arguments.first.map { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : root.appendingPathComponent($0) }
            ?? root.appendingPathComponent("abigen.json")
        guard FileManager.default.fileExists(atPath: config.path) else {
            Diagnostics.error("generate-abi: \(config.path) not found; see `abigen config --help` for its format")
            return
        }
        let process = Process()
        process.executableURL = tool.url
        process.arguments = ["config", config.path]
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            Diagnostics.error("generate-abi: abigen exited with status \(process.terminationStatus)")
        }
    }
}
