/// A small, fast, seeded pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// It makes the deterministic weights of the example graphs; the same seed gives the same
/// sequence on every platform.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `[0, 1)` from the top 24 bits, exact in `Float`.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform value in `[-limit, limit)`.
    public mutating func nextFloat(limit: Float) -> Float {
        (nextUnitFloat() * 2 - 1) * limit
    }
}

extension Tensor {
    /// A deterministic Glorot-uniform-like tensor: values uniform in `±sqrt(6 / (fanIn + fanOut))`.
    public static func glorot(
        shape: [Int], fanIn: Int, fanOut: Int, using rng: inout SplitMix64
    ) -> Tensor {
        let limit = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
        let count = shape.reduce(1, *)
        var values = [Float]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(rng.nextFloat(limit: limit)) }
        return Tensor(shape: shape, values: values)
    }

    /// A deterministic tensor of small values uniform in `±limit` (example biases).
    public static func small(shape: [Int], limit: Float = 0.05, using rng: inout SplitMix64) -> Tensor {
        let count = shape.reduce(1, *)
        var values = [Float]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(rng.nextFloat(limit: limit)) }
        return Tensor(shape: shape, values: values)
    }
}
