// Harness: snapshot validation plus every stage that renders a snapshot.
//
// Decodes the input as `abigen --snapshot` does (`ABISnapshot.decode`, validation included); when it is accepted,
// runs what `generate` and `verify` run on it: the Swift emitter (both option sets), the markdown and SVG layout
// reports (SVG with the io_uring preset's `io_uring_sqe=128` extension), the C probe builder and the JSON writer.
// Properties: an accepted snapshot is within the bounds validation guarantees (`contractViolation`, Support.swift);
// nothing traps or exhausts memory; the fast JSON writer writes the same bytes as JSONEncoder;
// the written JSON reads back (validation included) as the same snapshot.
import ABIBackends
import ABIModel
import Foundation

/// One input of the `snapshot_emitters` harness.
func fuzzSnapshotEmitters(_ input: UnsafeRawBufferPointer) {
    guard let s = acceptedSnapshot(Data(input)) else { return }
    _ = SwiftEmitter.emit(s)
    _ = SwiftEmitter.emit(s, options: SwiftEmitterOptions(emitSupportTypes: false, accessLevel: "internal",
                                                          regenerateCommand: "abigen --snapshot fuzz.json"))
    _ = LayoutMarkdown.render(s)
    _ = LayoutSVG.render(s, extend: ["io_uring_sqe": 128])
    _ = ProbeBuilder.build(s)
    guard let json = try? s.jsonData() else { violation("snapshot_emitters", "jsonData() threw") }
    guard let reference = try? s.foundationJSONData() else { violation("snapshot_emitters", "foundationJSONData() threw") }
    guard json == reference else {
        violation("snapshot_emitters", "the fast JSON writer and JSONEncoder write different bytes")
    }
    var normalized = s
    normalized.normalize()
    guard let back = try? ABISnapshot.decode(json, path: "written.json") else {
        violation("snapshot_emitters", "the written JSON of an accepted snapshot is refused when read back")
    }
    guard back == normalized else {
        violation("snapshot_emitters", "the written JSON reads back as a different snapshot")
    }
    // Last, so that on code without validation the stages' own traps show first.
    if let problem = contractViolation(s) { violation("snapshot_emitters", "validation accepted a snapshot outside the contract: \(problem)") }
}
