import GraphIR

/// The standard pipelines, as explicit ordered lists of passes (run them with
/// `PassPipeline(list).run(graph)`).
public enum Pipelines {
    /// Float inference: `scaling-to-affine`, `shape-inference`, `dropout-removal`,
    /// `activation-fusion`. The result runs in the float interpreter like the input graph.
    public static var float: [any GraphPass] {
        [ScalingToAffine(), ShapeInference(), DropoutRemoval(), ActivationFusion()]
    }

    /// Quantization: `scaling-to-affine`, `shape-inference`, `dropout-removal`,
    /// `activation-fusion`, then (with `decisionOnly`) `softmax-to-argmax`, then
    /// `precision-assignment` with `options`, then `constant-quantization` (every constant
    /// becomes codes of its format).
    public static func quantize(_ options: PrecisionOptions = PrecisionOptions(), decisionOnly: Bool = false)
        -> [any GraphPass]
    {
        var passes: [any GraphPass] = [ScalingToAffine(), ShapeInference(), DropoutRemoval(), ActivationFusion()]
        if decisionOnly { passes.append(SoftmaxToArgmax()) }
        passes.append(PrecisionAssignment(options))
        passes.append(ConstantQuantization())
        return passes
    }

    /// A quantized graph as read from a file, made current: `scaling-to-affine`, then
    /// `constant-quantization` (a graph written before constants were stored as codes gets
    /// them now, once). A float graph, or one already holding codes, comes back unchanged.
    public static var loadQuantized: [any GraphPass] {
        [ScalingToAffine(), ConstantQuantization()]
    }
}
