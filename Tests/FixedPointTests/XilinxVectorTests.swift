import FixedPoint
import Testing

/// One conversion computed by the Xilinx headers: a target format, an input, the raw code.
struct XilinxVector: Sendable, CustomTestStringConvertible {
    enum Input: Sendable {
        case double(Double)
        case raw(Int64, fractionalBits: Int)
    }

    let format: FixedFormat
    let input: Input
    let expected: Int64

    var testDescription: String { "\(format) \(input) → \(expected)" }

    /// Parses the lines of `text` (see the XilinxVectors files for the layout).
    static func parse(_ text: String) throws -> [XilinxVector] {
        var vectors: [XilinxVector] = []
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let format = try FixedFormat(parsing: String(line[..<space]))
            for entry in line[space...].split(separator: ";") {
                let fields = entry.split(separator: " ").map(String.init)
                switch (fields.first, fields.count) {
                case ("d", 3):
                    let x = try #require(Double(fields[1]), "bad double in \(entry)")
                    let expected = try #require(Int64(fields[2]))
                    vectors.append(XilinxVector(format: format, input: .double(x), expected: expected))
                case ("r", 4):
                    let raw = try #require(Int64(fields[1]))
                    let bits = try #require(Int(fields[2]))
                    let expected = try #require(Int64(fields[3]))
                    vectors.append(XilinxVector(format: format, input: .raw(raw, fractionalBits: bits), expected: expected))
                default:
                    Issue.record("malformed vector '\(entry)'")
                }
            }
        }
        return vectors
    }
}

@Suite("Vectors from the Xilinx headers")
struct XilinxVectorTests {
    @Test("every vector matches", arguments: [1, 2])
    func vectors(part: Int) throws {
        let vectors = try XilinxVector.parse(part == 1 ? Self.part1 : Self.part2)
        #expect(vectors.count == 1008)
        for vector in vectors {
            switch vector.input {
            case let .double(x):
                #expect(vector.format.quantize(x) == vector.expected, "\(vector.testDescription)")
            case let .raw(raw, bits):
                #expect(vector.format.convert(raw: raw, fractionalBits: bits) == vector.expected, "\(vector.testDescription)")
            }
        }
    }
}
