// swift-tools-version:6.0
// Benchmarks for the IoUring library, kept out of the main package so its users never build them.
// Run `bash Benchmarks/bench.sh` from the repository root: it builds this package in release mode,
// writes and compiles the liburing comparison program and a malloc counter, and prints the ratios.
import PackageDescription

let package = Package(
    name: "IoUringBenchmarks",
    dependencies: [.package(name: "abigen", path: "..")],
    targets: [
        .executableTarget(
            name: "IoUringBench",
            dependencies: [.product(name: "IoUring", package: "abigen")],
            swiftSettings: [.unsafeFlags(["-Ounchecked", "-wmo"])]
        ),
    ]
)
