import Crypto
import InterlockCore

/// The `aws-chunked` content encoding S3 clients stream uploads in:
/// `SIZE[;chunk-signature=SIG]\r\nDATA\r\n` … `0[;chunk-signature=SIG]\r\n[TRAILERS]\r\n`.
///
/// Signed chunks (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`) chain their signatures from the
/// request's seed signature, so a chunk cannot be altered, dropped or reordered; unsigned chunks
/// (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) carry a checksum trailer, which the upstream checks.
public enum AWSChunkedBody {
    public struct Signing: Sendable {
        public var key: SymmetricKey
        public var amzDate: String
        public var scope: SigV4.Scope
        public var seedSignature: String

        public init(key: SymmetricKey, amzDate: String, scope: SigV4.Scope, seedSignature: String) {
            self.key = key
            self.amzDate = amzDate
            self.scope = scope
            self.seedSignature = seedSignature
        }

        func chunkSignature(previous: String, data: ArraySlice<UInt8>) -> String {
            let text = ["AWS4-HMAC-SHA256-PAYLOAD", amzDate, scope.text, previous, SigV4.emptyPayloadHash, SigV4.hexSHA256(Array(data))]
                .joined(separator: "\n")
            return SigV4.signature(key: key, stringToSign: text)
        }

        func trailerSignature(previous: String, trailers: [SigV4.Header]) -> String {
            let canonical = trailers.map { "\($0.name.lowercased()):\($0.value.trimmingSpaces)\n" }.joined()
            let text = ["AWS4-HMAC-SHA256-TRAILER", amzDate, scope.text, previous, SigV4.hexSHA256(Array(canonical.utf8))].joined(separator: "\n")
            return SigV4.signature(key: key, stringToSign: text)
        }
    }

    public struct Decoded: Sendable {
        public var payload: [UInt8]
        public var trailers: [SigV4.Header]
    }

    public static func decode(_ body: [UInt8], signing: Signing?) throws(AWSAuthFailure) -> Decoded {
        var payload: [UInt8] = []
        var position = 0
        var previous = signing?.seedSignature ?? ""

        func line() throws(AWSAuthFailure) -> ArraySlice<UInt8> {
            var index = position
            while index + 1 < body.count {
                if body[index] == 13 && body[index + 1] == 10 {
                    let found = body[position..<index]
                    position = index + 2
                    return found
                }
                index += 1
            }
            throw .badStreamingBody("a chunk line is not terminated by CRLF")
        }

        while true {
            let header = String(decoding: try line(), as: UTF8.self)
            let parts = header.split(separator: ";", maxSplits: 1)
            guard let sizeText = parts.first, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw .badStreamingBody("`\(header)` is not a chunk header")
            }
            var signature: String?
            if parts.count == 2 {
                let extensionText = parts[1]
                guard extensionText.hasPrefix("chunk-signature=") else { throw .badStreamingBody("unknown chunk extension `\(extensionText)`") }
                signature = String(extensionText.dropFirst("chunk-signature=".count)).lowercased()
            }
            guard position + size <= body.count else { throw .badStreamingBody("a chunk says \(size) bytes; fewer follow") }
            let data = body[position..<position + size]
            position += size
            if let signing {
                guard let signature else { throw .badStreamingBody("a chunk of a signed stream has no signature") }
                guard SigV4.constantTimeEqual(signing.chunkSignature(previous: previous, data: data), signature) else {
                    throw .signatureMismatch
                }
                previous = signature
            } else if signature != nil {
                throw .badStreamingBody("a chunk of an unsigned stream carries a signature")
            }
            if size == 0 { break }
            payload += data
            guard position + 2 <= body.count, body[position] == 13, body[position + 1] == 10 else {
                throw .badStreamingBody("chunk data is not followed by CRLF")
            }
            position += 2
        }

        // Trailers, then the empty line that ends the body.
        var trailers: [SigV4.Header] = []
        var trailerSignature: String?
        while position < body.count {
            let text = String(decoding: try line(), as: UTF8.self)
            if text.isEmpty { break }
            guard let colon = text.firstIndex(of: ":") else { throw .badStreamingBody("`\(text)` is not a trailer") }
            let name = String(text[..<colon]).trimmingSpaces, value = String(text[text.index(after: colon)...]).trimmingSpaces
            if name.lowercased() == "x-amz-trailer-signature" { trailerSignature = value.lowercased() } else { trailers.append((name, value)) }
        }
        if let signing, !trailers.isEmpty || trailerSignature != nil {
            guard let trailerSignature, SigV4.constantTimeEqual(signing.trailerSignature(previous: previous, trailers: trailers), trailerSignature) else {
                throw .signatureMismatch
            }
        }
        return Decoded(payload: payload, trailers: trailers)
    }
}

extension String {
    var trimmingSpaces: String { Substring(self).trimmingSpaces }
}
