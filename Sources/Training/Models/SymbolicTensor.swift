/// A value in a model being defined: a named model input, or the output of a layer applied
/// to other symbolic values. It holds no numbers; ``Model`` turns the recorded graph into a
/// runnable model.
public final class SymbolicTensor {
    /// The per-event shape (`[14]`, or `[time, features]` for a sequence).
    public let shape: [Int]
    /// The layer producing the value (`nil` for a model input).
    let layer: (any Layer)?
    let inputs: [SymbolicTensor]
    /// The input's name (model inputs only).
    let inputName: String?

    init(layer: any Layer, inputs: [SymbolicTensor], shape: [Int]) {
        self.layer = layer
        self.inputs = inputs
        self.shape = shape
        inputName = nil
    }

    init(inputName: String, shape: [Int]) {
        layer = nil
        inputs = []
        self.shape = shape
        self.inputName = inputName
    }
}

/// A model input with a name (it becomes the GraphIR input's name) and a per-event shape.
public func Input(_ name: String, shape: [Int]) -> SymbolicTensor {
    SymbolicTensor(inputName: name, shape: shape)
}
