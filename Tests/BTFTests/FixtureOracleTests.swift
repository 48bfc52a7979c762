import ABIBTF
import ABIModel
import Foundation
import Testing

/// Two frontends that share no code must agree: BTF made by real compilers from the crafted headers of
/// Fixtures/btf against the libclang frontend reading the same headers (the built `abigen` binary).
@Suite struct FixtureOracleTests {
    static let headers = ["bitfields.h", "anonymous.h", "layout.h", "enums.h"]

    /// How an object with BTF is made.
    enum Producer: String, CaseIterable, CustomStringConvertible {
        /// `gcc -g -c`, then `pahole -J` adds `.BTF` (x86_64, ELF64 little-endian).
        case gccPahole
        /// `clang -g -target bpf -c`: clang writes `.BTF` itself.
        case clangBPF
        /// `clang -g -target bpfeb -c`: big-endian BTF in a big-endian ELF64.
        case clangBPFBigEndian
        /// `clang -target aarch64-linux-gnu -g -c`, then `pahole -J` (a cross object).
        case aarch64Pahole
        /// `clang -target i386-linux-gnu -g -c`, then `pahole -J` (ELF32; `long long` aligned 4 in records).
        case i386Pahole
        /// `clang -target armv7-linux-gnueabihf -g -c`, then `pahole -J` (ELF32, `long long` aligned 8).
        case armv7Pahole

        var description: String { rawValue }
        /// The target libclang must parse for.
        var target: String? {
            switch self {
            case .gccPahole: return nil
            case .clangBPF: return "bpf"
            case .clangBPFBigEndian: return "bpfeb"
            case .aarch64Pahole: return "aarch64-linux-gnu"
            case .i386Pahole: return "i386-linux-gnu"
            case .armv7Pahole: return "armv7-linux-gnueabihf"
            }
        }
        var usesPahole: Bool { self != .clangBPF && self != .clangBPFBigEndian }
    }

    /// The libclang frontend's snapshot of a fixture header (the built binary, decoded by the model's reader).
    static func libclangSnapshot(_ header: String, target: String?) throws -> ABISnapshot {
        var args = ["--headers", Repo.fixtures, "--header", header, "--preset", "none", "--format", "json"]
        if let target { args += ["--target", target] }
        let r = try run(Repo.binary, args)
        guard r.status == 0 else { throw TestSetupError("abigen \(args.joined(separator: " ")) failed: \(r.stderr)") }
        return try ABISnapshot.decode(Data(r.stdout.utf8), path: "abigen output")
    }

    /// Compiles a unit that uses every record and named enum of `header`, so that its debug info describes them all.
    static func object(_ header: String, producer: Producer, reference: ABISnapshot, in dir: String) throws -> String {
        var source = "#include \"\(header)\"\n"
        for (i, r) in reference.records.enumerated() { source += "\(r.cName) abigen_use_r\(i);\n" }
        for (i, e) in Set(reference.constants.compactMap(\.enumName)).sorted().enumerated() { source += "enum \(e) abigen_use_e\(i);\n" }
        let stem = dir + "/" + header.replacingOccurrences(of: ".h", with: "") + "-" + producer.rawValue
        try source.write(toFile: stem + ".c", atomically: true, encoding: .utf8)
        let object = stem + ".o"
        let compile: ProcessResult
        switch producer {
        case .gccPahole:
            compile = try run("gcc", ["-g", "-c", "-I", Repo.fixtures, stem + ".c", "-o", object])
        default:
            compile = try run("clang", ["-g", "-target", producer.target ?? "", "-c", "-I", Repo.fixtures, stem + ".c", "-o", object])
        }
        guard compile.status == 0 else { throw TestSetupError("compiling \(stem).c for \(producer) failed: \(compile.stderr)") }
        if producer.usesPahole {
            let j = try run("pahole", ["-J", object])
            guard j.status == 0 else { throw TestSetupError("pahole -J \(object) failed: \(j.stderr)") }
        }
        return object
    }

    /// What BTF cannot say, and what a producer loses, for one field; nil when the two must be equal.
    static func knownDifference(_ a: Field, _ b: Field, producer: Producer) -> String? {
        var x = a, y = b
        // `T x[]` and `T x[0]` are both an array of 0 elements in BTF.
        if x.type.flexibleArray == true, y.type.arrayDimensions == [0], y.type.flexibleArray == nil {
            x.type.flexibleArray = nil
            x.type.spelling = x.type.spelling.replacingOccurrences(of: "[]", with: "[0]")
            x.type.canonical = x.type.canonical.replacingOccurrences(of: "[]", with: "[0]")
            if x == y { return "flexible array" }
        }
        // pahole 1.24 writes a multi-dimensional array as one dimension of all elements.
        if producer.usesPahole, let dx = x.type.arrayDimensions, let dy = y.type.arrayDimensions, dx.count > 1, dy.count == 1,
           dx.reduce(1, *) == dy[0] {
            x.type = y.type
            if x == y { return "flattened dimensions" }
        }
        // clang 14's BPF BTF has no enum signedness (and no 64-bit enums).
        if !producer.usesPahole, x.type.kind == .enumeration {
            x.type.signed = y.type.signed
            if x == y { return "enum signedness" }
        }
        return nil
    }

    static func clangMajor() -> Int {
        let v = (try? run("clang", ["--version"]).stdout) ?? ""
        guard let r = v.range(of: "version ") else { return 0 }
        return Int(v[r.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    @Test(arguments: Producer.allCases)
    func btfEqualsLibclang(_ producer: Producer) throws {
        for tool in ["gcc", "clang", "pahole"] where !have(tool) {
            Issue.record("\(tool) is not installed: it makes the BTF this oracle test reads")
            return
        }
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var differences: [String] = []
        for header in Self.headers {
            let reference = try Self.libclangSnapshot(header, target: producer.target)
            let object = try Self.object(header, producer: producer, reference: reference, in: dir)
            let file = try BTFFile(path: object)
            let result = try BTFFrontend.read(file, options: BTFOptions(records: reference.records.map(\.name), header: header))
            let btf = result.snapshot
            #expect(btf.records.map(\.name) == reference.records.map(\.name), "\(producer) \(header): records")
            for r in reference.records {
                guard let b = btf.record(named: r.name) else { continue }
                let context = "\(producer) \(header) \(r.name)"
                // pahole 1.24 writes `T a[3][2]` as `T a[6]`, so an element record's C name has one `[0]` for it.
                let flattened = producer.usesPahole && b.cName.replacingOccurrences(of: "[0]", with: "") == r.cName.replacingOccurrences(of: "[0]", with: "")
                if flattened, b.cName != r.cName { differences.append("\(context): cName (flattened dimensions)") }
                #expect(b.cName == r.cName || flattened, "\(context)")
                #expect(b.kind == r.kind, "\(context)")
                #expect(b.size == r.size, "\(context)")
                #expect(b.header == r.header, "\(context)")
                #expect(b.alignment == r.alignment, "\(context): inferred alignment \(b.alignment), clang \(r.alignment)")
                #expect(b.packed == r.packed, "\(context): packed \(b.packed), clang \(r.packed)")
                #expect(b.anonymousMembers == r.anonymousMembers, "\(context): anonymous members")
                #expect(b.fields.map(\.name) == r.fields.map(\.name), "\(context): field names")
                for f in r.fields {
                    guard let g = b.field(named: f.name), g != f else { continue }
                    if let why = Self.knownDifference(f, g, producer: producer) {
                        differences.append("\(r.name).\(f.name): \(why)")
                        continue
                    }
                    Issue.record("\(context).\(f.name): BTF \(g) libclang \(f)")
                }
            }
            // Enumerators: clang before 15 writes BPF enums without signedness and truncates 64-bit ones.
            if !producer.usesPahole && Self.clangMajor() < 15 { continue }
            let mine = btf.constants.map { c -> Constant in var c = c; c.header = header; return c }
            #expect(mine == reference.constants, "\(producer) \(header): constants")
            if mine != reference.constants {
                for (a, b) in zip(mine, reference.constants) where a != b { Issue.record("\(a) != \(b)") }
            }
        }
        print("btfEqualsLibclang \(producer): equal except \(differences.isEmpty ? "nothing" : differences.joined(separator: ", "))")
    }

    /// A big-endian ELF32 object holding big-endian BTF (llvm-objcopy moves clang's bpfeb BTF into a MIPS object).
    @Test func bigEndianELF32() throws {
        guard have("clang"), have("llvm-objcopy") else {
            Issue.record("clang and llvm-objcopy are needed to build a big-endian ELF32 object")
            return
        }
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reference = try Self.libclangSnapshot("layout.h", target: "bpfeb")
        let bpf = try Self.object("layout.h", producer: .clangBPFBigEndian, reference: reference, in: dir)
        try "int abigen_mips;\n".write(toFile: dir + "/m.c", atomically: true, encoding: .utf8)
        #expect(try run("clang", ["-target", "mips-linux-gnu", "-c", dir + "/m.c", "-o", dir + "/m.o"]).status == 0)
        #expect(try run("llvm-objcopy", ["--dump-section", ".BTF=\(dir)/btf.bin", bpf]).status == 0)
        #expect(try run("llvm-objcopy", ["--add-section", ".BTF=\(dir)/btf.bin", dir + "/m.o"]).status == 0)
        let file = try BTFFile(path: dir + "/m.o")
        #expect(file.elf?.machine == 8)
        #expect(file.elf?.is64Bit == false)
        #expect(file.elf?.littleEndian == false)
        #expect(file.littleEndian == false)
        let snapshot = try BTFFrontend.snapshot(of: file, records: ["btf_*"], target: "bpfeb")
        let packed = try #require(snapshot.record(named: "btf_packed"))
        #expect(packed == reference.record(named: "btf_packed").map { var r = $0; r.header = "m.o"; r.alignmentInferred = true; return r })
        // The raw blob alone reads the same.
        let raw = try BTFFile(path: dir + "/btf.bin")
        #expect(try BTFFrontend.snapshot(of: raw, records: ["btf_*"], target: "bpfeb").records.count == snapshot.records.count)
    }
}
