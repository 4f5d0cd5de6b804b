// The IR's seeded generator is ScalarMath's SplitMix64, visible to every user of GraphIR.
@_exported import ScalarMath

extension Tensor {
    /// A deterministic Glorot-uniform-like tensor: values uniform in `±sqrt(6 / (fanIn + fanOut))`.
    public static func glorot(
        shape: [Int], fanIn: Int, fanOut: Int, using rng: inout SplitMix64
    ) -> Tensor {
        let limit = Float((6.0 / Double(max(1, fanIn + fanOut))).squareRoot())
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
