/// The bus packing of a stream port: fields one after another, feature `i` of a field at
/// bits `[offset + width·i, offset + width·(i+1))`, raw codes in two's complement (unsigned
/// formats as is); buses are exchanged with the harnesses as little-endian 64-bit words.
public struct StreamPacking: Hashable, Sendable {
    /// Raw codes of one format at a bit offset.
    public struct Field: Hashable, Sendable {
        public var features: Int
        public var width: Int
        public var signed: Bool
        public var offset: Int

        public init(features: Int, width: Int, signed: Bool, offset: Int = 0) {
            self.features = features
            self.width = width
            self.signed = signed
            self.offset = offset
        }
    }

    public var fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// One field of `features` codes from bit 0.
    public init(features: Int, width: Int, signed: Bool) {
        self.init(fields: [Field(features: features, width: width, signed: signed)])
    }

    /// Raw codes per beat, all fields.
    public var features: Int { fields.map(\.features).reduce(0, +) }
    /// Bits of the bus.
    public var bits: Int { fields.map { $0.offset + $0.features * $0.width }.max() ?? 0 }
    /// 64-bit words per beat.
    public var words: Int { max(1, (bits + 63) / 64) }

    /// Packs beats of raw codes (`features` per beat, fields in order) into words.
    public func pack(_ raw: [Int64]) -> [UInt64] {
        let beats = raw.count / max(features, 1)
        var words = [UInt64](repeating: 0, count: beats * self.words)
        for e in 0..<beats {
            pack(raw[(e * features)..<((e + 1) * features)], into: &words, at: e * self.words)
        }
        return words
    }

    /// Packs one beat into `words[base...]`.
    public func pack(_ raw: ArraySlice<Int64>, into words: inout [UInt64], at base: Int) {
        var k = raw.startIndex
        for field in fields {
            let mask: UInt64 = field.width >= 64 ? ~0 : (1 << UInt64(field.width)) - 1
            for f in 0..<field.features {
                let bits = UInt64(bitPattern: raw[k]) & mask
                k += 1
                let position = field.offset + f * field.width
                let (word, offset) = (base + position / 64, position % 64)
                words[word] |= bits << UInt64(offset)
                if offset + field.width > 64 { words[word + 1] |= bits >> UInt64(64 - offset) }
            }
        }
    }

    /// The raw codes of one packed beat, all fields in order.
    public func unpack(_ words: ArraySlice<UInt64>) -> [Int64] {
        let base = words.startIndex
        var result: [Int64] = []
        result.reserveCapacity(features)
        for field in fields {
            let width = field.width
            let mask: UInt64 = width >= 64 ? ~0 : (1 << UInt64(width)) - 1
            for f in 0..<field.features {
                let position = field.offset + f * width
                let (word, offset) = (base + position / 64, position % 64)
                var bits = words[word] >> UInt64(offset)
                if offset + width > 64 { bits |= words[word + 1] << UInt64(64 - offset) }
                bits &= mask
                if field.signed, width < 64, bits >> UInt64(width - 1) & 1 == 1 { bits |= ~mask }
                result.append(Int64(bitPattern: bits))
            }
        }
        return result
    }
}
