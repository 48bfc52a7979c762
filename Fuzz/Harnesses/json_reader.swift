// Harness: the snapshot JSON reader, differentially against Foundation's JSONDecoder.
//
// Properties, for any bytes:
// - `ABISnapshot.decode` never traps (no stack overflow on deep nesting, no trap on odd numbers or strings);
// - when `decode` accepts, `JSONDecoder` accepts too, with an equal value (the fast reader accepts nothing
//   Foundation rejects: control characters, leading zeros, invalid UTF-8, …, and reads what it accepts alike);
// - when `JSONDecoder` accepts and `decode` refuses, the refusal is about the content, not the JSON text:
//   `decode` also refuses the canonical JSON of Foundation's value (validation rejected the snapshot);
// - `foundationDecode` (the error-message path) accepts no more than `JSONDecoder` does.
import ABIModel
import Foundation

/// One input of the `json_reader` harness.
func fuzzJSONReader(_ input: UnsafeRawBufferPointer) {
    let data = Data(input)
    let ours = try? ABISnapshot.decode(data, path: "fuzz.json")
    let reference = try? JSONDecoder().decode(ABISnapshot.self, from: data)
    if let ours {
        guard let reference else {
            violation("json_reader", "ABISnapshot.decode accepts input that JSONDecoder rejects")
        }
        var (a, b) = (ours, reference)
        a.normalize()
        b.normalize()
        guard a == b else {
            violation("json_reader", "ABISnapshot.decode and JSONDecoder read different values")
        }
    } else if let reference {
        if let canonical = try? reference.jsonData(), (try? ABISnapshot.decode(canonical, path: "canonical.json")) != nil {
            violation("json_reader", "ABISnapshot.decode rejects JSON text that JSONDecoder accepts (its canonical form is accepted)")
        }
    }
    if (try? ABISnapshot.foundationDecode(data, path: "fuzz.json")) != nil && reference == nil {
        violation("json_reader", "ABISnapshot.foundationDecode accepts input that JSONDecoder rejects")
    }
}
