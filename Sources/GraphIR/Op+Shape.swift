extension Op {
    /// The per-event output shape the op gives for the given input shapes, or `nil` when it
    /// cannot be computed (wrong number of inputs, an axis out of range, mismatched
    /// concatenation). This is the shape rule; whether weights fit is the verifier's business.
    public func outputShape(inputShapes: [[Int]]) -> [Int]? {
        let first = inputShapes.first
        switch self {
        case let .input(shape):
            return inputShapes.isEmpty ? shape : nil
        case let .dense(weights, _, _):
            guard let first, !first.isEmpty, weights.shape.count == 2 else { return nil }
            return first.dropLast() + [weights.shape[1]]
        case .activation, .masking, .dropout, .batchNormalization, .affine:
            return inputShapes.count == 1 ? first : nil
        case let .gru(attributes):
            return inputShapes.count == 1 ? [attributes.units] : nil
        case let .concatenate(axis):
            return Self.concatenatedShape(inputShapes, axis: axis)
        case .flatten:
            guard inputShapes.count == 1, let first, let count = checkedElementCount(first) else { return nil }
            return [count]
        case .argmax:
            return inputShapes.count == 1 ? [1] : nil
        }
    }

    /// The axis of a concatenation as a non-negative index into shapes of the given rank.
    public static func normalizedAxis(_ axis: Int, rank: Int) -> Int? {
        let resolved = axis < 0 ? axis + rank : axis
        return (0..<rank).contains(resolved) ? resolved : nil
    }

    static func concatenatedShape(_ shapes: [[Int]], axis: Int) -> [Int]? {
        guard let first = shapes.first, let resolved = normalizedAxis(axis, rank: first.count) else {
            return nil
        }
        var result = first
        for shape in shapes.dropFirst() {
            guard shape.count == first.count else { return nil }
            for d in shape.indices where d != resolved && shape[d] != first[d] { return nil }
            let (sum, overflow) = result[resolved].addingReportingOverflow(shape[resolved])
            guard !overflow else { return nil }
            result[resolved] = sum
        }
        return result
    }
}

/// The product of the dimensions, or `nil` when one is negative or the product overflows.
/// Every size computed from a file or an option goes through here.
public func checkedElementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for d in shape {
        guard d >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: d)
        if overflow { return nil }
        count = product
    }
    return count
}
