import Foundation
import Synchronization

extension JSONWriter {
    /// Records at or above this count are written in parallel chunks.
    static let parallelRecords = 2048

    /// An array as ``array(_:_:)`` writes it; a large one (records, constants) in contiguous chunks on every
    /// processor, each written at the array's depth into its own buffer, kept as a piece of the output (the
    /// same bytes). `bytesEach` sizes the buffers.
    mutating func parallelArray<T: Sendable>(_ items: [T], bytesEach: Int, _ element: @escaping @Sendable (inout JSONWriter, T) -> Void) {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, items.count / (JSONWriter.parallelRecords / 2))
        guard workers > 1 else { array(items, element); return }
        // More chunks than processors, taken by whichever is free: elements differ widely in size.
        let chunks = min(items.count, max(workers, items.count / 256))
        let chunk = (items.count + chunks - 1) / chunks
        let parts = Locked<[Data]>(Array(repeating: Data(), count: chunks))
        let depth = self.depth + 1
        DispatchQueue.concurrentPerform(iterations: chunks) { w in
            let range = min(items.count, w * chunk) ..< min(items.count, (w + 1) * chunk)
            var part = JSONWriter(capacity: range.count * bytesEach)
            part.depth = depth
            items.withUnsafeBufferPointer { items in
                for i in range {
                    if i > 0 { part.raw(",") }
                    part.newline()
                    element(&part, items[i])
                }
            }
            let bytes = part.finish()
            parts.withLock { $0[w] = bytes }
        }
        raw("[")
        append(pieces: parts.withLock { $0 })
        newline()
        raw("]")
    }
}
