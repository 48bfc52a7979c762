import ABIModel
@testable import ABIBackends
import Foundation
import Testing

/// The verifier's cheaper probe: a field that is not an array has one `sizeof` for its size and its element size
/// (a ``ProbeAlias``), measured numbers live in a flat table (``MeasuredValues``), ELF symbols are found by name
/// through an index. The compiler (cc) stays the oracle: every number still comes from the object it writes.
@Suite("Verifier: shared slots, the measurement table, the symbol index")
struct VerifyProbeSharingTests {
    /// A header with a plain field, an array, a bitfield and a constant, and its snapshot made by abigen.
    static func snapshot(in dir: String) throws -> ABISnapshot {
        let header = """
            struct vps_mix { unsigned short a; int b[3]; long c; unsigned int bits : 5; signed char d; };
            enum vps_kind { VPS_ONE = 1, VPS_TWO = 2 };
            #define VPS_LIMIT 77u
            """
        try header.write(toFile: dir + "/vps.h", atomically: true, encoding: .utf8)
        let json = dir + "/vps.json"
        let r = try abigen(["--headers", dir, "--header", "vps.h", "--preset", "none", "--format", "json", "-o", json])
        try #require(r.status == 0, "\(r.stderr)")
        return try ABISnapshot.load(from: json)
    }

    static func field(_ s: ABISnapshot, _ name: String) throws -> (record: Int, field: Int) {
        let r = try #require(s.records.firstIndex { $0.cName == "struct vps_mix" })
        let f = try #require(s.records[r].fields.firstIndex { $0.name == name })
        return (r, f)
    }

    @Test("a field that is not an array shares its size's slot for its element size; an array has its own")
    func sharedSlots() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try Self.snapshot(in: dir)
        let probe = try #require(ProbeBuilder.build(s).first)
        let (r, a) = try Self.field(s, "a"), b = try Self.field(s, "b").field
        let alias = try #require(probe.aliases.first { $0.key == CheckKey(.field(record: r, field: a), .elementSize) })
        #expect(probe.keys[alias.slot] == CheckKey(.field(record: r, field: a), .fieldSize))
        #expect(!probe.keys.contains(CheckKey(.field(record: r, field: a), .elementSize)))
        #expect(probe.keys.contains(CheckKey(.field(record: r, field: b), .elementSize)))
        #expect(!probe.aliases.contains { $0.key == CheckKey(.field(record: r, field: b), .elementSize) })
        let checks = probe.checks
        #expect(checks.count == probe.keys.count)
        #expect(checks.map(\.expression).contains("sizeof(((struct vps_mix *)0)->a)"))
        #expect(checks.map(\.expression).contains("sizeof(((struct vps_mix *)0)->b[0])"))
        // Each slot's line holds exactly its expression, so a compiler error on it names that check.
        let lines = probe.source.split(separator: "\n", omittingEmptySubsequences: false)
        for (line, check) in zip(probe.checkLines, checks) {
            #expect(lines[line - 1] == "\t\(check.expression),")
        }
    }

    @Test("a wrong element size of a field that is not an array is caught from the shared slot")
    func sharedSlotCatches() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = try Self.snapshot(in: dir)
        let (r, a) = try Self.field(s, "a")
        #expect(try Verifier.verify(s, options: VerifyOptions(includeDirectories: [dir])).mismatches.isEmpty)
        s.records[r].fields[a].type.scalarSize = 4
        let report = try Verifier.verify(s, options: VerifyOptions(includeDirectories: [dir]))
        #expect(report.mismatches.map(\.description) == ["struct vps_mix.a: elementSize: snapshot 4, compiler 2"])
        #expect(report.measurement.values[CheckKey(.field(record: r, field: a), .elementSize)] == 2)
    }

    @Test("a misnamed field that is not an array: its element size fails with its size, one mismatch")
    func sharedSlotFails() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = try Self.snapshot(in: dir)
        let (r, a) = try Self.field(s, "a")
        s.records[r].fields[a].name = "no_such_member"
        let m = try Verifier.measure(s, options: VerifyOptions(includeDirectories: [dir]))
        let size = try #require(m.failedChecks[CheckKey(.field(record: r, field: a), .fieldSize)])
        #expect(size.contains("no_such_member"))
        #expect(m.failedChecks[CheckKey(.field(record: r, field: a), .elementSize)] == size)
        #expect(m.values[CheckKey(.field(record: r, field: a), .elementSize)] == nil)
        let report = Verifier.report(s, measurement: m)
        #expect(report.mismatches.count == 1 && report.mismatches.first?.property == .compiles)
        #expect(report.mismatches.first?.field == "no_such_member")
    }

    @Test("the measurement table behaves as a dictionary, also for keys the snapshot has no slot for")
    func tableIsADictionary() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try Self.snapshot(in: dir)
        let (r, a) = try Self.field(s, "a")
        var table = MeasuredValues(snapshot: s)
        var model: [CheckKey: UInt64] = [:]
        let keys: [CheckKey] = [
            CheckKey(.record(r), .size), CheckKey(.record(r), .alignment), CheckKey(.record(r), .offset),
            CheckKey(.record(s.records.count), .size), CheckKey(.record(-1), .size),
            CheckKey(.field(record: r, field: a), .signedness), CheckKey(.field(record: r, field: 99), .offset),
            CheckKey(.field(record: r, field: a), .compiles), CheckKey(.constant(0), .value), CheckKey(.constant(0), .size),
            CheckKey(.constant(s.constants.count), .value), CheckKey(.enumeration("vps_kind"), .enumSize),
            CheckKey(.enumeration("no_such_enum"), .enumSize), CheckKey(.enumeration("vps_kind"), .value),
        ]
        for (i, key) in keys.enumerated() {
            table[key] = UInt64(i) * 3 + 1
            model[key] = UInt64(i) * 3 + 1
        }
        table[keys[2]] = nil
        model[keys[2]] = nil
        table[keys[5]] = 0
        model[keys[5]] = 0
        table[keys[0]] = nil
        model[keys[0]] = nil
        for key in keys { #expect(table[key] == model[key], "\(key)") }
        #expect(table.count == model.count && table.dictionary == model)
    }

    @Test("an ELF symbol is found by name: the first defined one, never an undefined reference")
    func symbolIndex() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "extern int vps_outside; int *vps_pointer = &vps_outside; long vps_data[2] = { 5, 6 };\n"
            .write(toFile: dir + "/sym.c", atomically: true, encoding: .utf8)
        let cc = try #require(ProcessRunner.executablePath("cc"))
        #expect(try ProcessRunner.run(cc, ["-c", "-o", dir + "/sym.o", dir + "/sym.c"]).status == 0)
        let elf = try ELFFile(path: dir + "/sym.o")
        #expect(elf.symbols.contains { $0.name == "vps_outside" && $0.sectionIndex == 0 })
        #expect(elf.symbol(named: "vps_outside") == nil && elf.symbol(named: "no_such_symbol") == nil)
        let data = try #require(elf.symbol(named: "vps_data"))
        #expect(data == elf.symbols.first { $0.name == "vps_data" } && data.size == 2 * MemoryLayout<Int>.size)
        #expect(try elf.contents(of: "vps_data").count == data.size)
    }
}
