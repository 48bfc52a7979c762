import ABIModel
import Foundation
import Synchronization

/// What a command that is about to exit leaves to the exit. A whole-kernel snapshot is hundreds of thousands
/// of small objects: freeing them one by one only delays the exit, which takes the memory back at once.
/// Only for the last thing a process does (`abigen generate`; `config`, which renders several, frees as it goes).
enum ProcessLifetime {
    private static let kept = Locked<[(ABISnapshot, [Data])]>([])

    /// Keeps `model` and `output` alive until the process exits.
    static func keep(_ model: ABISnapshot, _ output: [Data]) {
        kept.withLock { $0.append((model, output)) }
    }
}
