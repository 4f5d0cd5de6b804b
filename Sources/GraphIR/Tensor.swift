/// A constant float tensor held by an op (weights, biases, normalization statistics).
/// Values are stored row-major; `values.count` is the product of `shape`.
public struct Tensor: Hashable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }

    /// A tensor of the given shape filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// The number of elements the shape calls for (which `values.count` should equal).
    public var elementCount: Int { shape.reduce(1, *) }
}
