// Harness: the BTF reader and the BTF frontend (raw blobs and ELF objects with a .BTF section).
//
// Reads the input as a BTF file, then builds the ABI model of every record and enum it describes.
// Properties: nothing traps; an error is one line naming the file; a model the frontend returns is one the
// snapshot validator accepts (its JSON reads back equal), so a BTF-derived snapshot can always be reloaded.
import ABIBTF
import ABIModel
import Foundation

/// One input of the `btf_reader` harness.
func fuzzBTFReader(_ input: UnsafeRawBufferPointer) {
    let bytes = [UInt8](input)
    let file: BTFFile
    do {
        file = try BTFFile(bytes: bytes, path: "fuzz.btf")
    } catch {
        checkOneLine("btf_reader", "\(error)")
        return
    }
    let snapshot: ABISnapshot
    do {
        snapshot = try BTFFrontend.read(file, options: BTFOptions(records: [], enums: nil, constantPrefixes: nil,
                                                                 target: file.littleEndian ? "x86_64-linux-gnu" : "powerpc64-linux-gnu",
                                                                 header: nil)).snapshot
    } catch {
        checkOneLine("btf_reader", "\(error)")
        return
    }
    do {
        let data = try snapshot.jsonData()
        let back = try ABISnapshot.decode(data, path: "fuzz.json")
        guard back == snapshot else { violation("btf_reader", "the BTF-derived snapshot does not read back equal") }
    } catch {
        violation("btf_reader", "the validator refuses a BTF-derived snapshot: \(error)")
    }
}

/// An error description must be one line that names the file.
func checkOneLine(_ harness: String, _ message: String) {
    guard !message.contains("\n"), message.contains("fuzz.btf") else {
        violation(harness, "error is not one line naming the file: \(message.prefix(200))")
    }
}
