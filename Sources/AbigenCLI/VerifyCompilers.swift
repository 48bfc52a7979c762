import ABIBackends
import ABIFrontend
import ABIModel
import ArgumentParser
import Foundation

extension Verify {
    /// The command and Debian package behind a `--compilers` name for a target (nil: the host).
    static func compilerCommand(_ name: String, target: String?) -> (command: String, package: String) {
        if name == "clang" { return ("clang", "clang") }
        guard let target else { return ("gcc", "gcc") }
        if let t = LinuxTarget.named(target) { return t.isHost ? ("gcc", "gcc") : (t.gccCommand, t.gccPackage) }
        return ("\(target)-gcc", "gcc-" + target.replacingOccurrences(of: "_", with: "-"))
    }

    /// `--compilers`: measure with each, print each one's report, then every number two of them give differently.
    func compareCompilers(_ names: [String], abi: ABISnapshot, options: VerifyOptions) throws {
        let target = options.target
        var commands: [String] = []
        for name in names {
            let (command, package) = Self.compilerCommand(name, target: target)
            guard ProcessRunner.executablePath(command) != nil else {
                throw ToolError("abigen: verify: --compilers \(name): \(command) is not installed (Debian package \(package))")
            }
            commands.append(command)
        }
        var measurements: [ABIBackends.Measurement] = []
        for command in commands {
            var vo = options
            vo.compiler = command
            do { measurements.append(try Verifier.measure(abi, options: vo)) } catch let e as VerifyError {
                throw ToolError("abigen: verify: \(command): \(e)")
            }
        }
        let reports = measurements.map { Verifier.report(abi, measurement: $0) }
        var disagreements: [CompilerDisagreement] = []
        for m in measurements.dropFirst() { disagreements += CompilerComparison.compare(abi, measurements[0], m) }
        var out = reports.map(\.text).joined()
        out += disagreements.map { "compilers disagree: \($0)\n" }.joined()
        if let t = target, let why = LayoutPolicy.refusal(target: t), !disagreements.isEmpty {
            out += "note: \(why.prefix { $0 != ";" }): follow gcc's numbers (abigen matrix corrects the layouts from them)\n"
        }
        try OutputFile.writeStandardOutput(Data(out.utf8))
        if reports.contains(where: { !$0.ok }) || !disagreements.isEmpty { throw ExitCode(1) }
    }
}
