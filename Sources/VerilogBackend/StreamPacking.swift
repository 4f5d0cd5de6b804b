/// The bus packing of the stream ports: feature `i` of an event occupies bits
/// `[width·i, width·(i+1))`, raw codes in two's complement (unsigned formats as is); buses are
/// exchanged with the harness as little-endian 64-bit words.
public struct StreamPacking: Hashable, Sendable {
    public var features: Int
    public var width: Int
    public var signed: Bool

    public init(features: Int, width: Int, signed: Bool) {
        self.features = features
        self.width = width
        self.signed = signed
    }

    /// 64-bit words per event.
    public var words: Int { (features * width + 63) / 64 }

    /// Packs events of raw codes (`features` per event) into words.
    public func pack(_ raw: [Int64]) -> [UInt64] {
        let events = raw.count / max(features, 1)
        var words = [UInt64](repeating: 0, count: events * self.words)
        let mask: UInt64 = width >= 64 ? ~0 : (1 << UInt64(width)) - 1
        for e in 0..<events {
            for f in 0..<features {
                let bits = UInt64(bitPattern: raw[e * features + f]) & mask
                let position = f * width
                let (word, offset) = (e * self.words + position / 64, position % 64)
                words[word] |= bits << UInt64(offset)
                if offset + width > 64 { words[word + 1] |= bits >> UInt64(64 - offset) }
            }
        }
        return words
    }

    /// The raw codes of one packed event.
    public func unpack(_ words: ArraySlice<UInt64>) -> [Int64] {
        let base = words.startIndex
        let mask: UInt64 = width >= 64 ? ~0 : (1 << UInt64(width)) - 1
        return (0..<features).map { f in
            let position = f * width
            let (word, offset) = (base + position / 64, position % 64)
            var bits = words[word] >> UInt64(offset)
            if offset + width > 64 { bits |= words[word + 1] << UInt64(64 - offset) }
            bits &= mask
            if signed, width < 64, bits >> UInt64(width - 1) & 1 == 1 { bits |= ~mask }
            return Int64(bitPattern: bits)
        }
    }
}
