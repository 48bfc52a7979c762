import ArgumentParser
struct Verify: ParsableCommand { static let configuration = CommandConfiguration(abstract: "(coming)") }
struct Diff: ParsableCommand { static let configuration = CommandConfiguration(abstract: "(coming)") }
struct Check: ParsableCommand { static let configuration = CommandConfiguration(abstract: "(coming)") }
