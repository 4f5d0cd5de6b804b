import GraphIR

/// The standard pipelines, as explicit ordered lists of passes (run them with
/// `PassPipeline(list).run(graph)`).
public enum Pipelines {
    /// Float inference: `shape-inference`, `dropout-removal`, `activation-fusion`. The
    /// result runs in the float interpreter exactly like the input graph.
    public static var float: [any GraphPass] {
        [ShapeInference(), DropoutRemoval(), ActivationFusion()]
    }

    /// Quantization: `shape-inference`, `dropout-removal`, `activation-fusion`, then
    /// (with `decisionOnly`) `softmax-to-argmax`, then `precision-assignment` with `options`.
    public static func quantize(_ options: PrecisionOptions = PrecisionOptions(), decisionOnly: Bool = false)
        -> [any GraphPass]
    {
        var passes: [any GraphPass] = [ShapeInference(), DropoutRemoval(), ActivationFusion()]
        if decisionOnly { passes.append(SoftmaxToArgmax()) }
        passes.append(PrecisionAssignment(options))
        return passes
    }
}
