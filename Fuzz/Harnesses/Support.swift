// Shared by every harness.
import ABIModel
import Foundation

/// Stops the run on a broken property: libFuzzer reports the signal and saves the input as a crash.
func violation(_ harness: String, _ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz \(harness): property violated: \(message)\n".utf8))
    abort()
}

/// The snapshot the CLI would accept from these bytes (`ABISnapshot.decode` runs the reader and the validation), or nil.
func acceptedSnapshot(_ data: Data) -> ABISnapshot? {
    try? ABISnapshot.decode(data, path: "fuzz.json")
}

/// The snapshot as abigen would read it back after writing it: nil when the canonical JSON of `s` is refused
/// (a derived snapshot outside the validated bounds). Keeps harnesses from feeding stages what validation rejects.
func revalidated(_ s: ABISnapshot) -> ABISnapshot? {
    guard let json = try? s.jsonData() else { return nil }
    return acceptedSnapshot(json)
}
