import ABIBTF
import ABIModel
import Foundation
import Testing

/// The running kernel's own BTF, checked against what this x86_64 6.18 kernel is known to lay out and against pahole.
@Suite struct VmlinuxTests {
    @Test func ioUringCmdAsTheRunningKernelLaysItOut() throws {
        guard let file = Vmlinux.required("ioUringCmdAsTheRunningKernelLaysItOut") else { return }
        let snapshot = try BTFFrontend.snapshot(of: file, records: ["io_uring_cmd"], target: nil)
        let cmd = try #require(snapshot.record(named: "io_uring_cmd"))
        #expect(cmd.cName == "struct io_uring_cmd")
        #expect(cmd.kind == .struct)
        #expect(cmd.size == 64)
        #expect(cmd.alignment == 8)
        #expect(cmd.packed == false)
        let layout = cmd.fields.map { "\($0.name) \($0.offset)/\($0.size)" }
        #expect(layout == ["file 0/8", "sqe 8/8", "task_work_cb 16/8", "cmd_op 24/4", "flags 28/4", "pdu 32/32"])
        #expect(cmd.field(named: "pdu")?.type.arrayDimensions == [32])
        #expect(cmd.field(named: "sqe")?.type.kind == .pointer)
        #expect(cmd.field(named: "sqe")?.type.canonical == "const struct io_uring_sqe *")
        #expect(cmd.field(named: "cmd_op")?.type.canonical == "unsigned int")
        #expect(snapshot.target == "x86_64-pc-linux-gnu")
        #expect(snapshot.unsupported.contains { $0.name == "macros" })
    }

    @Test func ioUringSqeAndOpcodes() throws {
        guard let file = Vmlinux.required("ioUringSqeAndOpcodes") else { return }
        let result = try BTFFrontend.read(file, options: BTFOptions(records: ["io_uring_sqe"], enums: ["io_uring_op"], constantPrefixes: nil))
        let sqe = try #require(result.snapshot.record(named: "io_uring_sqe"))
        #expect(sqe.size == 64)
        #expect(sqe.field(named: "user_data")?.offset == 32)
        #expect(sqe.field(named: "user_data")?.type.spelling == "__u64")
        #expect(sqe.field(named: "opcode")?.offset == 0)
        #expect(sqe.field(named: "cmd")?.offset == 48)
        #expect(sqe.field(named: "cmd")?.type.isVariableTail == true)
        // The SQE's first anonymous union holds `off` and `addr2`, like the header's.
        #expect(sqe.field(named: "addr2")?.anonymousPath == [1])
        #expect(sqe.anonymousMembers.first?.fieldIndexes == [4])
        let ops = result.snapshot.constants.filter { $0.enumName == "io_uring_op" }
        #expect(ops.count >= 50)
        let value = { (n: String) in ops.first { $0.name == n }?.value }
        #expect(value("IORING_OP_NOP") == .signed(0))
        #expect(value("IORING_OP_READV") == .signed(1))
        #expect(value("IORING_OP_URING_CMD") == .signed(46))
        let last = try #require(ops.first { $0.name == "IORING_OP_LAST" })
        #expect(last.value == .signed(Int64(ops.count - 1)))
        #expect(ops.allSatisfy { $0.origin == .enumerator && $0.enumType?.size == 4 })
        #expect(result.alignment.first?.inferred == true)
    }

    /// pahole reads the same BTF with its own code: offsets, sizes and bitfields must agree.
    @Test func agreesWithPahole() throws {
        guard let file = Vmlinux.required("agreesWithPahole") else { return }
        guard have("pahole") else {
            Issue.record("pahole (Debian dwarves) is not installed: it is the oracle of this test")
            return
        }
        // Every io_uring record, and every 40th other named struct or union: well over 200.
        let all = try BTFFrontend.read(file, options: BTFOptions(records: ["io_uring*", "io_*"], enums: [], constantPrefixes: []))
        var names = all.snapshot.records.filter { $0.cName.hasPrefix("struct ") || $0.cName.hasPrefix("union ") }.map(\.name)
        let ioUring = names.filter { $0.hasPrefix("io_uring") }
        #expect(ioUring.count >= 20)
        var tagged: [String] = []
        var seen = Set<String>()
        for t in file.types where t.kind == .struct || t.kind == .union {
            let n = file.string(at: t.nameOffset)
            if !n.isEmpty, seen.insert(n).inserted { tagged.append(n) }
        }
        tagged.sort()
        let sample = stride(from: 0, to: tagged.count, by: 40).map { tagged[$0] }.filter { !$0.hasPrefix("io_") }
        #expect(sample.count >= 200)
        names += sample
        let snapshot = try BTFFrontend.snapshot(of: file, records: names, target: nil)
        let out = try run("pahole", ["-C", names.joined(separator: ","), Vmlinux.path])
        let pahole = parsePahole(out.stdout)
        var compared = 0, statedAlignments = 0, statedPacked = 0
        for name in names {
            guard let mine = snapshot.record(named: name) else { Issue.record("abigen lacks \(name)"); continue }
            // Duplicated tags (several BTF types of one name) may be printed differently by the two tools.
            if file.types.filter({ ($0.kind == .struct || $0.kind == .union) && file.string(at: $0.nameOffset) == name }).count > 1 { continue }
            guard let theirs = pahole[name] else {
                // pahole -C prints one type per name: an enum of the same name may win.
                if file.types.contains(where: { ($0.kind == .enum || $0.kind == .enum64) && file.string(at: $0.nameOffset) == name }) { continue }
                Issue.record("pahole printed no \(name)")
                continue
            }
            // pahole prints no size line for unions; their members still are compared.
            if theirs.kind == "struct" || theirs.size >= 0 {
                #expect(mine.size == theirs.size, "\(name): size \(mine.size), pahole \(theirs.size)")
            }
            let a = paholeView(mine), b = theirs.members.sorted { $0.description < $1.description }
            #expect(a == b, "\(name): abigen \(a.filter { !b.contains($0) }) pahole \(b.filter { !a.contains($0) })")
            // Where pahole states an inferred alignment or packing on the closing line, the inferences agree.
            if let n = theirs.statedAlignment {
                #expect(mine.alignment == n, "\(name): inferred alignment \(mine.alignment), pahole aligned(\(n))")
                statedAlignments += 1
            }
            // (pahole's `__packed__` is no oracle: it also marks records that merely hold a packed member,
            // such as io_epoll with its packed epoll_event at offset 20, which the kernel does not declare packed.)
            if theirs.statedPacked { statedPacked += 1 }
            compared += 1
        }
        print("agreesWithPahole: \(compared) records compared with pahole (\(ioUring.count) io_uring records); alignment stated by pahole for \(statedAlignments), packed (not compared) for \(statedPacked)")
        #expect(compared >= 220)
    }

    /// Every record of the kernel decodes (no error, no trap), and the snapshot passes through JSON intact.
    @Test func wholeKernelDecodes() throws {
        guard let file = Vmlinux.required("wholeKernelDecodes") else { return }
        let start = Date()
        let snapshot = try BTFFrontend.snapshot(of: file, records: [], target: nil)
        print("wholeKernelDecodes: \(snapshot.records.count) records, \(snapshot.constants.count) constants in \(Date().timeIntervalSince(start)) s (debug build)")
        #expect(snapshot.records.count > 9000)
        #expect(snapshot.records.allSatisfy { $0.alignment >= 1 && $0.alignment & ($0.alignment - 1) == 0 })
        #expect(snapshot.record(named: "task_struct")?.alignment == 64)
        let decoded = try JSONDecoder().decode(ABISnapshot.self, from: try snapshot.jsonData())
        #expect(decoded == snapshot)
    }
}
