/// Lower-case hex, for digests and hashes in JSON and on the command line. Decoding accepts
/// either case.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        // Digests and keys arrive as contiguous bytes; the loop over a buffer is what makes this
        // cheap (it runs several times for each signed AWS call). Other sequences are copied first.
        if let text = bytes.withContiguousStorageIfAvailable(encode(buffer:)) { return text }
        return Array(bytes).withUnsafeBufferPointer(encode(buffer:))
    }

    /// The bytes behind a pointer, as digests (swift-crypto's included) lend them.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        encode(buffer: bytes.assumingMemoryBound(to: UInt8.self))
    }

    private static func encode(buffer: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: buffer.count * 2) { out in
            digits.withUnsafeBufferPointer { digits in
                for (offset, byte) in buffer.enumerated() {
                    out[2 * offset] = digits[Int(byte >> 4)]
                    out[2 * offset + 1] = digits[Int(byte & 0x0f)]
                }
            }
            return buffer.count * 2
        }
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        for pair in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = value(utf8[pair]), let low = value(utf8[pair + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
