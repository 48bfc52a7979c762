import ArgumentParser

/// The `abigen` root command (placeholder while the frontend lands).
public struct AbigenCommand: ParsableCommand {
    public init() {}
    public static let configuration = CommandConfiguration(commandName: "abigen", abstract: "Generate verified Swift layouts from C headers.")
    public func run() throws {}
}
