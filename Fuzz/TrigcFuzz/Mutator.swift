import GraphIR

/// Deterministic mutations of a seed file: mutant `i` of a run with seed `s` is the same
/// bytes on every machine, so a crash found once is found again from its index.
struct Mutator {
    var rng: SplitMix64

    init(seed: UInt64, index: Int) {
        rng = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index))
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(rng.next() % UInt64(n)) }

    /// Numbers that have broken readers before: overflowing products, huge sizes, NaN,
    /// fractions where whole numbers belong, negatives.
    static let interestingNumbers = [
        "0", "-1", "1", "6.5", "1e19", "-1e19", "3037000500", "2147483648", "4294967296",
        "18446744073709551616", "9223372036854775807", "nan", "inf", "-inf", "1e308", "100000", "65536",
    ]

    /// One to four stacked byte-level mutations; `headerBias` keeps most of them in the first
    /// 4 KiB, where container formats keep their sizes and offsets.
    mutating func mutateBytes(_ seed: [UInt8], headerBias: Bool) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(4) {
            guard !bytes.isEmpty else { return [UInt8(below(256))] }
            let span = headerBias && below(4) != 0 ? min(bytes.count, 4096) : bytes.count
            let at = below(span)
            switch below(8) {
            case 0: bytes[at] ^= UInt8(1 << below(8))
            case 1: bytes[at] = UInt8(below(256))
            case 2: bytes[at] = [0x00, 0xFF, 0x7F, 0x80, 0x01][below(5)]
            case 3:  // an 8-byte little-endian size or offset gone wild
                let value: UInt64 = [UInt64.max, 1 << 40, 1 << 32, 0x7FFF_FFFF, 0, 1 << 63][below(6)]
                for k in 0..<8 where at + k < bytes.count { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
            case 4: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(64)))
            case 5: bytes.insert(contentsOf: (0..<(1 + below(16))).map { _ in UInt8(below(256)) }, at: at)
            case 6: bytes = Array(bytes.prefix(max(1, at)))  // truncated
            default:  // a range copied over another
                let from = below(bytes.count), length = min(1 + below(32), bytes.count - from, bytes.count - at)
                let chunk = Array(bytes[from..<(from + length)])
                bytes.replaceSubrange(at..<(at + length), with: chunk)
            }
        }
        return bytes
    }

    /// Text mutations that keep the text mostly well formed: numbers replaced by
    /// interesting ones, lines deleted, duplicated or swapped, a few byte mutations.
    mutating func mutateText(_ seed: String) -> String {
        var lines = seed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0...below(3) {
            guard !lines.isEmpty else { break }
            let at = below(lines.count)
            switch below(6) {
            case 0, 1, 2: lines[at] = replaceNumber(in: lines[at])
            case 3: lines.remove(at: at)
            case 4: lines.insert(lines[below(lines.count)], at: at)
            default: lines.swapAt(at, below(lines.count))
            }
        }
        var text = lines.joined(separator: "\n")
        if below(4) == 0 {
            text = String(decoding: mutateBytes(Array(text.utf8), headerBias: false), as: UTF8.self)
        }
        return text
    }

    /// `line` with one of its numbers (the k-th run of digits) replaced.
    mutating func replaceNumber(in line: String) -> String {
        var runs: [Range<String.Index>] = []
        var index = line.startIndex
        while index < line.endIndex {
            if line[index].isNumber {
                let start = index
                while index < line.endIndex, line[index].isNumber || line[index] == "." { index = line.index(after: index) }
                runs.append(start..<index)
            } else {
                index = line.index(after: index)
            }
        }
        guard !runs.isEmpty else { return line }
        var result = line
        result.replaceSubrange(runs[below(runs.count)], with: Self.interestingNumbers[below(Self.interestingNumbers.count)])
        return result
    }
}
