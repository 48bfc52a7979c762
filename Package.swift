// swift-tools-version:6.0
import PackageDescription
import Foundation

/// Finds Debian's libclang-dev: the newest /usr/lib/llvm-N that has both
/// `include/clang-c/Index.h` and `lib/libclang.so`. `ABIGEN_LLVM_PREFIX` overrides.
/// The Swift toolchain's own libclang is deliberately not used: we load (dlopen, on first
/// use) the one whose headers we compile against, and `abigen --version` reports it.
func libclangPrefix() -> String {
    let fm = FileManager.default
    if let p = ProcessInfo.processInfo.environment["ABIGEN_LLVM_PREFIX"], !p.isEmpty { return p }
    let candidates = ((try? fm.contentsOfDirectory(atPath: "/usr/lib")) ?? [])
        .filter { $0.hasPrefix("llvm-") }
        .compactMap { name -> (Int, String)? in
            guard let v = Int(name.dropFirst(5)) else { return nil }
            let dir = "/usr/lib/" + name
            guard fm.fileExists(atPath: dir + "/include/clang-c/Index.h"),
                  fm.fileExists(atPath: dir + "/lib/libclang.so") else { return nil }
            return (v, dir)
        }
        .sorted { $0.0 > $1.0 }
    return candidates.first?.1 ?? "/usr/lib/llvm-14"
}
let llvm = libclangPrefix()

let package = Package(
    name: "abigen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "abigen", targets: ["abigen"]),
        .library(name: "ABIModel", targets: ["ABIModel"]),
        .library(name: "IoUring", targets: ["IoUring"]),
        .plugin(name: "GenerateABI", targets: ["GenerateABI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation --target IoUring` builds the DocC catalog.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // libclang's C API declarations only: the library is not linked but loaded on first use (CClangLoader).
        .systemLibrary(name: "CClang", path: "Sources/CClang"),
        // Defines the clang_ functions abigen calls as trampolines into the libclang it dlopens on first use,
        // so commands that never parse a header do not load libclang and LLVM at start-up.
        .target(
            name: "CClangLoader",
            cSettings: [
                .unsafeFlags(["-I\(llvm)/include"]),
                .define("ABIGEN_LIBCLANG_PATH", to: "\"\(llvm)/lib/libclang.so\""),
            ]
        ),
        .target(name: "ABIModel"),
        .target(
            name: "ABIFrontend",
            dependencies: ["CClang", "CClangLoader", "ABIModel"],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I\(llvm)/include"])]
        ),
        // The Swift support template is a real source file, embedded as bytes (`PackageResources.ABISupport_swift`).
        .target(name: "ABIBackends", dependencies: ["ABIModel"], resources: [.embedInCode("Swift/Support/ABISupport.swift")]),
        // The BTF frontend (issue 13): reads the kernel's own type description into the same model.
        .target(name: "ABIBTF", dependencies: ["ABIModel"]),
        .target(
            name: "AbigenCLI",
            dependencies: [
                "ABIModel", "ABIFrontend", "ABIBackends", "ABIBTF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "abigen", dependencies: ["AbigenCLI"]),
        // `swift package --allow-writing-to-package-directory generate-abi`: regenerate from abigen.json.
        .plugin(
            name: "GenerateABI",
            capability: .command(
                intent: .custom(verb: "generate-abi", description: "Regenerate checked-in ABI layouts from abigen.json"),
                permissions: [.writeToPackageDirectory(reason: "writes the generated Swift layouts listed in abigen.json")]
            ),
            dependencies: ["abigen"]
        ),
        // The runtime library users import (issue 6): generated layouts plus the safe API.
        .target(name: "CIoUringSys"),
        .target(name: "IoUring", dependencies: ["CIoUringSys", "ABIBTF"]),
        // The test suite's one process runner and repository root (issue 12).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ModelTests", dependencies: ["ABIModel", "TestSupport"]),
        .testTarget(name: "BTFTests", dependencies: ["ABIModel", "ABIBTF", "TestSupport"]),
        .testTarget(name: "VerifyTests", dependencies: ["ABIModel", "ABIBackends", "TestSupport"]),
        .testTarget(name: "DiffTests", dependencies: ["ABIModel", "ABIBackends"]),
        .testTarget(name: "ReportTests", dependencies: ["ABIModel", "ABIBackends"]),
        .testTarget(name: "IoUringTests", dependencies: ["IoUring", "CIoUringSys", "TestSupport"]),
        // Header sets from /usr/include generated and verified on four targets (issue 11's corpus).
        .testTarget(
            name: "CorpusTests",
            dependencies: ["ABIModel", "ABIFrontend", "ABIBackends", "AbigenCLI", "TestSupport"]
        ),
        .testTarget(
            name: "AbigenTests",
            dependencies: ["ABIModel", "ABIFrontend", "ABIBackends", "AbigenCLI", "TestSupport"]
        ),
    ]
)
