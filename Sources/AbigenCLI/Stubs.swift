import ArgumentParser
struct Diff: ParsableCommand { static let configuration = CommandConfiguration(abstract: "(coming)") }
struct Check: ParsableCommand { static let configuration = CommandConfiguration(abstract: "(coming)") }
