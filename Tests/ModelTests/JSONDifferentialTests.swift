@testable import ABIModel
import Foundation
import Testing

/// Random snapshots (any content, not only valid ones: these tests are about reading JSON).
struct SnapshotGenerator {
    var rng: SeededRandom

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func number() -> Int {
        switch int(0...5) {
        case 0: return [Int.min, Int.max, -1, 0, 1 << 32, Int(Int32.max)][int(0...5)]
        case 1: return int(-1000...1000)
        default: return int(0...4096)
        }
    }

    mutating func string() -> String {
        let pieces = ["io_uring", "sqe", "_", "x", "é", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{7F}", "\u{2028}",
                      "<", " ", "0", "ß", "\u{10FFFF}", "e\u{301}", "\u{212A}"]
        return (0..<int(0...6)).map { _ in pieces[int(0...(pieces.count - 1))] }.joined()
    }

    mutating func strings() -> [String] { (0..<int(0...3)).map { _ in string() } }
    mutating func ints() -> [Int] { (0..<int(0...3)).map { _ in number() } }

    mutating func fieldType() -> FieldType {
        FieldType(spelling: string(), canonical: string(), kind: [.integer, .enumeration, .floating, .pointer, .record, .other][int(0...5)],
                  scalarSize: number(), signed: chance(50) ? chance(50) : nil, record: chance(30) ? string() : nil,
                  arrayDimensions: chance(40) ? ints() : nil, flexibleArray: chance(20) ? chance(50) : nil)
    }

    mutating func snapshot() -> ABISnapshot {
        var s = ABISnapshot(schemaVersion: chance(90) ? 1 : number(), target: string(), headers: strings(), includeDirectories: strings(),
                            preludeHeaders: chance(50) ? strings() : nil, records: [], constants: [])
        if chance(30) { s.headerGroups = (0..<int(0...3)).map { _ in strings() } }
        for _ in 0..<int(0...3) {
            let fields = (0..<int(0...4)).map { _ in
                Field(name: string(), offset: number(), size: number(), bitOffset: chance(30) ? number() : nil,
                      bitWidth: chance(30) ? number() : nil, type: fieldType(), anonymousPath: chance(30) ? ints() : nil)
            }
            let anonymous = (0..<int(0...2)).map { _ in
                AnonymousMember(path: ints(), fieldIndexes: ints(), kind: chance(50) ? .struct : .union, offset: number(), size: number())
            }
            s.records.append(Record(name: string(), cName: string(), kind: chance(50) ? .struct : .union, size: number(),
                                    alignment: number(), packed: chance(50), header: string(), fields: fields, anonymousMembers: anonymous,
                                    alignmentInferred: chance(30) ? chance(50) : nil))
        }
        for _ in 0..<int(0...3) {
            let value: IntegerValue = chance(50) ? .signed(Int64.random(in: Int64.min...Int64.max, using: &rng))
                                                 : .unsigned(UInt64.random(in: 0...UInt64.max, using: &rng))
            s.constants.append(Constant(name: string(), value: value, type: string(), size: number(), signed: chance(50),
                                        origin: chance(50) ? .macro : .enumerator, enumName: chance(40) ? string() : nil,
                                        enumType: chance(40) ? IntegerType(spelling: string(), size: number(), signed: chance(50)) : nil,
                                        header: string(), definition: chance(50) ? string() : nil))
        }
        s.skippedMacros = (0..<int(0...2)).map { _ in SkippedMacro(name: string(), definition: string(), reason: string()) }
        s.unsupported = (0..<int(0...2)).map { _ in Unsupported(name: string(), reason: string()) }
        return s
    }

    /// The snapshot as JSON: abigen's writer, or `JSONEncoder` compact or pretty (escaped slashes, unsorted keys).
    mutating func encode(_ s: ABISnapshot) throws -> [UInt8] {
        switch int(0...2) {
        case 0: return [UInt8](try s.jsonData())
        case 1: return [UInt8](try JSONEncoder().encode(s))
        default:
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted]
            return [UInt8](try e.encode(s))
        }
    }

    /// One random change: the kinds of damage a file meets, and the JSON forms `JSONDecoder` is lenient about.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        func splice(_ bytes: [UInt8], at i: Int) { b.insert(contentsOf: bytes, at: min(max(i, 0), b.count)) }
        func replaceFirst(_ from: String, _ to: String) {
            let f = Array(from.utf8)
            guard f.count <= b.count else { return }
            let starts = (0...(b.count - f.count)).filter { Array(b[$0..<($0 + f.count)]) == f }
            guard !starts.isEmpty else { return }
            let at = starts[int(0...(starts.count - 1))]
            b.replaceSubrange(at..<(at + f.count), with: Array(to.utf8))
        }
        let anywhere = b.isEmpty ? 0 : int(0...b.count)
        switch int(0...17) {
        case 0: b = Array(b.prefix(anywhere))
        case 1: if !b.isEmpty { b[int(0...(b.count - 1))] = UInt8.random(in: 0...255, using: &rng) }
        case 2: splice([UInt8(int(0...31))], at: anywhere)
        case 3: splice([UInt8(int(0x80...0xFF))], at: anywhere)
        case 4: if !b.isEmpty { b.remove(at: int(0...(b.count - 1))) }
        case 5:
            let numbers = ["18446744073709551616", "18446744073709551615", "9223372036854775808", "-9223372036854775809",
                           "-9223372036854775808", "1.0", "1e2", "1E+2", "01", "-0", "1.5", "-01", "1.", ".5", "+1", "1e400", "0.0"]
            replaceFirst(["0", "1", "4", "8"][int(0...3)], numbers[int(0...(numbers.count - 1))])
        case 6:
            let depth = [10, 100, 511, 512, 513, 5000][int(0...5)]
            let junk = ["[" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth),
                        "\"\\ud800\"", "01", "1.5e999", "{\"a\":1,\"a\":2}", "\"\u{1}\"", "null", "\"\\q\"", "[1,]", "tru"]
            replaceFirst("{", "{\"zz_unknown\":" + junk[int(0...(junk.count - 1))] + ",")
        case 7:
            let key = ["signed", "record", "bitOffset", "enumType", "definition", "preludeHeaders", "headerGroups",
                       "anonymousPath", "arrayDimensions", "flexibleArray", "enumName", "name", "size", "target"][int(0...13)]
            replaceFirst("\"\(key)\"", "\"\(key)\":null,\"\(key)_was\"")
        case 8: replaceFirst("{", "{\"name\":\"dup\",")
        case 9: replaceFirst(["]", "}"][int(0...1)], [",]", ",}"][int(0...1)])
        case 10: b = [0xEF, 0xBB, 0xBF] + b
        case 11: splice([[0x0C], [0x09], [0x0B], [0x20], [0x0D]][int(0...4)], at: anywhere)
        case 12: replaceFirst("\"", ["\"\\u0041", "\"\\u00e9", "\"\\ud83d\\ude00", "\"\\/", "\"\\u0000", "\"\\uDC00", "\"\\uD83D\\u0041"][int(0...6)])
        case 13: replaceFirst(["true", "false"][int(0...1)], ["1", "\"true\"", "null", "True"][int(0...3)])
        case 14: replaceFirst(["\"struct\"", "\"union\"", "\"macro\"", "\"integer\""][int(0...3)], "\"bogus\"")
        case 15: replaceFirst(",", "")
        case 16: replaceFirst("[", "[\"x\",")
        default: splice(Array(" \u{0}".utf8), at: anywhere)
        }
        return b
    }
}

/// An outcome comparable across readers: the canonical JSON of what was read, or nil when refused.
func outcome(_ body: () throws -> ABISnapshot) -> Data? {
    guard let s = try? body() else { return nil }
    return try? s.jsonData()
}

@Suite("The fast JSON reader against Foundation's JSONDecoder")
struct JSONDifferentialTests {
    @Test("generated and mutated snapshots: decode accepts exactly what JSONDecoder accepts, with equal values; the fast reader alone never accepts what JSONDecoder refuses or reads a different value")
    func differential() throws {
        var g = SnapshotGenerator(rng: SeededRandom(seed: 0x5EED_0011))
        var fastAccepted = 0, inputs = 0, foundationAccepted = 0
        for round in 0..<2000 {
            let s = g.snapshot()
            let clean = try g.encode(s)
            var variants = [clean]
            var mutated = clean
            for _ in 0..<g.int(1...3) { mutated = g.mutate(mutated) }
            variants.append(mutated)
            for bytes in variants {
                inputs += 1
                let data = Data(bytes)
                let foundationSnapshot = try? JSONDecoder().decode(ABISnapshot.self, from: data)
                let foundation = foundationSnapshot.flatMap { try? $0.jsonData() }
                let fast = outcome { try ABISnapshot.fastDecode(data) }
                let combined = outcome { try ABISnapshot.decodeUnvalidated(data, path: "x") }
                if foundation != nil { foundationAccepted += 1 }
                if fast != nil { fastAccepted += 1 }
                #expect(combined == foundation, "round \(round): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
                if fast != nil {
                    #expect(fast == foundation, "round \(round): the fast reader accepted what JSONDecoder does not read the same")
                }
                if let f = foundationSnapshot, let c = try? ABISnapshot.decodeUnvalidated(data, path: "x") {
                    #expect(c == f)
                }
            }
            // Every clean encoding is read by the fast reader itself (the fast path covers what abigen and JSONEncoder write).
            if s.schemaVersion <= ABISnapshot.currentSchemaVersion {
                #expect(outcome { try ABISnapshot.fastDecode(Data(clean)) } != nil, "round \(round)")
            }
        }
        print("differential: inputs \(inputs), JSONDecoder accepted \(foundationAccepted), fast reader accepted \(fastAccepted)")
        #expect(inputs == 4000 && foundationAccepted > 2000 && foundationAccepted < 3900, "both outcomes are exercised")
        #expect(fastAccepted > 1800)
    }

    @Test("JSON syntax the fast reader refuses, as JSONDecoder does when the value is used")
    func strictSyntax() throws {
        let base = String(decoding: try Sample.valid.jsonData(), as: UTF8.self)
        let cases: [(String, String, String)] = [
            ("\"target\" : \"x86_64-pc-linux-gnu\"", "\"target\" : \"x86_64\npc\"", "control character U+000A"),
            ("\"size\" : 64", "\"size\" : 064", "leading zero"),
            ("\"size\" : 64", "\"size\" : 18446744073709551616", "out of range"),
            ("\"size\" : 64", "\"size\" : -9223372036854775809", "out of range"),
            ("\"target\" : \"x86_64-pc-linux-gnu\"", "\"target\" : \"x86_64\\x\"", "invalid escape"),
            ("\"target\" : \"x86_64-pc-linux-gnu\"", "\"target\" : \"x86_64\\uDC00\"", "unpaired surrogate"),
        ]
        for (from, to, fragment) in cases {
            let text = base.replacingOccurrences(of: from, with: to)
            #expect(text != base)
            let data = Data(text.utf8)
            #expect(throws: JSONFailure.self) { try ABISnapshot.fastDecode(data) }
            #expect(throws: (any Error).self) { try JSONDecoder().decode(ABISnapshot.self, from: data) }
            let e = try #require(throws: SnapshotError.self) { try ABISnapshot.decode(data, path: "s.json") }
            #expect(e.message.contains(fragment), "\(e.message)")
        }
        var bytes = [UInt8](base.utf8)
        let at = try #require(base.utf8.firstIndex(of: UInt8(ascii: "x")).map { base.utf8.distance(from: base.utf8.startIndex, to: $0) })
        bytes.insert(0xC0, at: at)
        let e = try #require(throws: SnapshotError.self) { try ABISnapshot.decode(Data(bytes), path: "s.json") }
        #expect(e.message.contains("invalid UTF-8"), "\(e.message)")
    }

    @Test("objects past the reader's linear key search (15 to 100,000 keys, around 16 and 32): read as JSONDecoder reads them; a repeated key is left to JSONDecoder, whichever member it repeats")
    func wideObjects() throws {
        let base = String(decoding: try Sample.valid.jsonData(), as: UTF8.self)
        let reference = try ABISnapshot.fastDecode(Data(base.utf8))
        let open = try #require(base.range(of: "{"))
        for n in [15, 16, 17, 31, 32, 33, 40, 100_000] {
            let members = (0..<n).map { "\"k\($0)\":\($0)" }
            for repeated in [nil, 0, n / 2, n - 1] {
                var all = members
                if let r = repeated { all.append("\"k\(r)\":[]") }
                let text = base.replacingCharacters(in: open, with: "{\"zz_wide\":{" + all.joined(separator: ",") + "},")
                let data = Data(text.utf8)
                let foundation = outcome { try JSONDecoder().decode(ABISnapshot.self, from: data) }
                #expect(outcome { try ABISnapshot.decodeUnvalidated(data, path: "x") } == foundation, "\(n) keys, repeated \(String(describing: repeated))")
                if repeated == nil {
                    #expect(try ABISnapshot.fastDecode(data) == reference, "\(n) keys")
                } else {
                    let f = try #require(throws: JSONFailure.self) { try ABISnapshot.fastDecode(data) }
                    #expect(f.kind == .declined && f.message.contains("duplicate key 'k\(repeated ?? 0)'"), "\(f.message)")
                }
            }
        }
    }

    @Test("100,000 levels of nesting: refused with a message, on a thread with a small stack")
    func deepNesting() throws {
        let data = try #require(FileManager.default.contents(atPath: badSnapshotDirectory + "/deep-nesting.json"))
        nonisolated(unsafe) var message = ""
        let done = DispatchSemaphore(value: 0)
        let t = Thread {
            do { _ = try ABISnapshot.decode(data, path: "deep.json") } catch { message = "\(error)" }
            done.signal()
        }
        t.stackSize = 256 << 10
        t.start()
        done.wait()
        #expect(message.contains("nesting deeper than 512 levels"))
        // 512 levels is JSONDecoder's limit, and the fast reader's: a 511-deep unknown key is still read.
        let base = String(decoding: try Sample.valid.jsonData(), as: UTF8.self)
        let ok = "{\"deep\":" + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "," + base.dropFirst()
        #expect(try ABISnapshot.fastDecode(Data(ok.utf8)) == ABISnapshot.foundationDecode(Data(ok.utf8), path: "f"))
        let tooDeep = "{\"deep\":" + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "," + base.dropFirst()
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ABISnapshot.self, from: Data(tooDeep.utf8)) }
        #expect(throws: SnapshotError.self) { try ABISnapshot.decode(Data(tooDeep.utf8), path: "f") }
    }

    /// A snapshot with every optional key of every type set, and strings that need escaping.
    static var everything: ABISnapshot {
        var s = Sample.valid
        s.preludeHeaders = ["linux/types.h"]
        s.headerGroups = [["linux/io_uring.h"], ["linux/time_types.h"]]
        s.headers.append("linux/time_types.h")
        s.records[0].packed = true
        s.records[0].fields[1].bitOffset = 9
        s.records[0].fields[2].anonymousPath = [1]
        s.records[0].fields[5].type = FieldType(spelling: "struct io_uring_cqe[]", canonical: "struct io_uring_cqe[]", kind: .record,
                                                scalarSize: 16, signed: true, record: "io_uring_cqe", arrayDimensions: [0],
                                                flexibleArray: true)
        s.records.append(Record(name: "io_uring_cqe", cName: "struct io_uring_cqe", kind: .struct, size: 16, alignment: 8,
                                header: "linux/io_uring.h",
                                fields: [Field(name: "user_data", offset: 0, size: 8, type: Sample.u64())], alignmentInferred: true))
        s.constants[1].definition = "\"quoted\\\\ \u{00E9}\u{1F600}\""
        s.constants.append(Constant(name: "NEG", value: .signed(Int64.min), type: "long long", size: 8, signed: true, origin: .macro,
                                    header: "linux/io_uring.h", definition: "(-9223372036854775807LL - 1)"))
        s.constants.append(Constant(name: "BIG", value: .unsigned(UInt64.max), type: "unsigned long long", size: 8, signed: false,
                                    origin: .macro, header: "linux/io_uring.h", definition: "(~0ULL)"))
        s.unsupported = [Unsupported(name: "struct a.b", reason: "member does not start on a byte boundary: \"x\" / y")]
        s.source = .headers(HeaderSource(
            includeDirectories: HeaderSource.Role.allCases.map { HeaderSource.Directory(path: $0 == .builtin ? "." : $0 == .standIn ? "kernel" : "/d/\($0.rawValue) \"q\"", role: $0) },
            headers: ["linux/io_uring.h", "linux/time_types.h"], preludeHeaders: ["linux/types.h"], target: "aarch64-linux-gnu",
            extraArguments: ["-DX=\"1\"", "-I/a/b"], kernelTree: HeaderSource.KernelTree(path: "/src/linux-6.12", version: "6.12.57"),
            selection: HeaderSource.Selection(records: ["io_*"], macroPrefixes: ["IORING_"], skipBrokenHeaders: true)))
        return s
    }

    @Test("the recorded source round-trips in both kinds and without its optional keys; a version 1 snapshot reads with no source")
    func sourceKinds() throws {
        var sources: [ABISource] = [.btf(BTFSource(path: "/sys/kernel/btf/vmlinux")),
                                    .headers(HeaderSource(includeDirectories: [], headers: ["linux/io_uring.h"])),
                                    .headers(HeaderSource(includeDirectories: [], headers: ["linux/io_uring.h"], selection: .init(macroPrefixes: nil)))]
        if let everything = Self.everything.source { sources.append(everything) }
        for source in sources {
            var s = Sample.valid
            s.source = source
            if let h = source.headers {   // the snapshot read what its source names
                s.headers = h.headers
                s.preludeHeaders = h.preludeHeaders.isEmpty ? nil : h.preludeHeaders
            }
            s.normalize()
            let data = try s.jsonData()
            #expect(data == (try s.foundationJSONData()), "the fast writer writes what JSONEncoder writes")
            #expect(try ABISnapshot.fastDecode(data) == s)
            #expect(try ABISnapshot.foundationDecode(data, path: "s") == s)
        }
        var v1 = Sample.valid
        v1.schemaVersion = 1
        let read = try ABISnapshot.decode(try v1.jsonData(), path: "v1")
        #expect(read.schemaVersion == 1 && read.source == nil)
        var bad = Sample.valid
        bad.source = .headers(HeaderSource(includeDirectories: [.init(path: "../../etc", role: .standIn)], headers: ["a.h"]))
        #expect(throws: SnapshotError.self) { try ABISnapshot.decode(try bad.jsonData(), path: "b") }
        bad.source = .headers(HeaderSource(includeDirectories: [], headers: ["a.h"], target: "-x86_64"))
        #expect(throws: SnapshotError.self) { try ABISnapshot.decode(try bad.jsonData(), path: "b") }
        bad.source = .headers(HeaderSource(includeDirectories: [], headers: ["a.h"], kernelTree: .init(path: "/k", version: "6.1; rm -rf")))
        #expect(throws: SnapshotError.self) { try ABISnapshot.decode(try bad.jsonData(), path: "b") }
        let unknownKind = String(decoding: try Sample.valid.jsonData(), as: UTF8.self)
            .replacingOccurrences(of: "\"target\" :", with: "\"source\" : { \"kind\" : \"floppy\" },\n  \"target\" :")
        #expect(throws: SnapshotError.self) { try ABISnapshot.decode(Data(unknownKind.utf8), path: "k") }
    }

    @Test("header groups split the headers, and a recorded source names only the snapshot's headers (outside review: 3,000 groups; a source header the snapshot never read)")
    func groupsAndSourceAgree() throws {
        func refusal(_ s: ABISnapshot) -> String? {
            do { _ = try ABISnapshot.decode(try s.jsonData(), path: "g.json"); return nil } catch { return "\(error)" }
        }
        var s = Sample.valid
        s.headers = ["a.h", "b.h"]
        s.headerGroups = [["a.h"], ["b.h"]]
        s.records = s.records.map { var r = $0; r.header = "a.h"; return r }
        s.constants = s.constants.map { var c = $0; c.header = "a.h"; return c }
        #expect(refusal(s) == nil)
        var twice = s; twice.headerGroups = [["a.h"], ["a.h"]]
        #expect(refusal(twice)?.contains("in two header groups") == true)
        var foreign = s; foreign.headerGroups = [["a.h"], ["c.h"]]
        #expect(refusal(foreign)?.contains("is not one of the headers") == true)
        var empty = s; empty.headerGroups = [["a.h"], []]
        #expect(refusal(empty)?.contains("empty") == true)
        var source = s; source.source = .headers(HeaderSource(includeDirectories: [], headers: ["a.h", "passwd"]))
        #expect(refusal(source)?.contains("'passwd' is not one of the snapshot's headers") == true)
        var prelude = s; prelude.source = .headers(HeaderSource(includeDirectories: [], headers: ["a.h"], preludeHeaders: ["x.h"]))
        #expect(refusal(prelude)?.contains("preludeHeaders differ") == true)
        #expect(!HeaderSource.isReplayable("-mllvm"))
    }

    @Test("Foundation's decoder wording is turned into plain words")
    func plainWords() {
        #expect(ABISnapshot.plainDecoderWords("source.role: Cannot initialize Role from invalid String value system") == "source.role: unknown value 'system'")
        #expect(ABISnapshot.plainDecoderWords("schemaVersion: Expected to decode Int but found a string instead.") == "schemaVersion: expected an integer, found a string")
    }

    @Test("a recorded source replays only definitions, include directories, -std= and -m… (an outside review ran -fplugin= and -MF from a snapshot)")
    func replayableArguments() {
        for ok in ["-DX", "-DX=1", "-D__KERNEL__", "-UFOO", "-I/usr/include/x", "-std=gnu11", "-m32", "-mabi=lp64"] {
            #expect(HeaderSource.isReplayable(ok), "\(ok)")
        }
        for bad in ["-fplugin=/tmp/x.so", "-o", "/tmp/x.o", "-MD", "-MF", "-MT", "@/etc/passwd", "-include", "-B/tmp/evil", "-Wl,-rpath",
                    "-Xclang", "-I", "-D", "-I-", "-D-fplugin", "-mx;y", "-std=", "--sysroot=/"] {
            #expect(!HeaderSource.isReplayable(bad), "\(bad)")
        }
        let hostile = HeaderSource(includeDirectories: [], headers: ["a.h"], extraArguments: ["-DX", "-fplugin=/tmp/e.so"])
        #expect(hostile.replayRefusal?.contains("-fplugin=/tmp/e.so") == true)
        #expect(HeaderSource(includeDirectories: [], headers: ["/etc/passwd"]).replayRefusal != nil)
        #expect(HeaderSource(includeDirectories: [], headers: ["linux/../../etc/passwd"]).replayRefusal != nil)
        #expect(HeaderSource(includeDirectories: [], headers: []).replayRefusal != nil)
        #expect(HeaderSource(includeDirectories: [], headers: ["linux/io_uring.h"], extraArguments: ["-DX=1"]).replayRefusal == nil)
    }

    @Test("round trip: every optional field set, written and read back equal through both readers and both writers")
    func roundTrip() throws {
        var s = Self.everything
        #expect(Sample.problem(s) == nil)
        s.normalize()
        let data = try s.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        for key in ["preludeHeaders", "headerGroups", "bitOffset", "bitWidth", "anonymousPath", "arrayDimensions", "flexibleArray",
                    "\"record\"", "\"signed\" : true", "enumName", "enumType", "definition", "\"packed\" : true", "\"alignmentInferred\" : true",
                    "\"kernelTree\"", "\"version\" : \"6.12.57\"", "\"role\" : \"stand-in\"", "\"arguments\"",
                    "\"skipBrokenHeaders\" : true", "\"macroPrefixes\""] {
            #expect(text.contains(key), "\(key) is written")
        }
        #expect(data == (try s.foundationJSONData()))
        #expect(try ABISnapshot.fastDecode(data) == s, "the fast reader itself reads it")
        #expect(try ABISnapshot.decode(data, path: "rt") == s)
        #expect(try ABISnapshot.foundationDecode(data, path: "rt") == s)
        #expect(try ABISnapshot.decode(data, path: "rt").jsonData() == data)
        // Encoders other than abigen's: compact, and with escaped slashes.
        let compact = try JSONEncoder().encode(s)
        #expect(try ABISnapshot.fastDecode(compact) == s)
        // An absent optional and an explicit null read the same way in both readers.
        let nulls = Data(text.replacingOccurrences(of: "\"flexibleArray\" : true", with: "\"flexibleArray\" : null").utf8)
        var expected = s
        expected.records[expected.records.firstIndex { $0.name == "io_uring_sqe" }!].fields[5].type.flexibleArray = nil
        #expect(try ABISnapshot.fastDecode(nulls) == expected)
        #expect(try ABISnapshot.foundationDecode(nulls, path: "n") == expected)
    }
}

