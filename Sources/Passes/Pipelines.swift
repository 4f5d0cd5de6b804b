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

    /// A graph made ready to run as `trigc run` (and `trigc serve`) runs it: quantized with
    /// `options` when given, otherwise as the file holds it — a float graph, or an already
    /// quantized one whose constants become codes if they are not yet. `decisionOnly` puts
    /// argmax in place of the final softmax.
    public static func forRunning(_ options: PrecisionOptions?, decisionOnly: Bool = false) -> [any GraphPass] {
        guard let options else { return float + (decisionOnly ? [SoftmaxToArgmax()] : []) + [ConstantQuantization()] }
        return quantize(options, decisionOnly: decisionOnly)
    }

    /// A quantized graph as read from a file, made current: `scaling-to-affine`, then
    /// `constant-quantization` (a graph written before constants were stored as codes gets
    /// them now, once). A float graph, or one already holding codes, comes back unchanged.
    public static var loadQuantized: [any GraphPass] {
        [ScalingToAffine(), ConstantQuantization()]
    }

    /// The graph without its input scalers, for features scaled upstream (by the host, or
    /// before the hardware): `scaling-to-affine`, then `input-scaler-removal`. The scalers
    /// removed are ``InputScaler/find(in:)`` of the graph after `scaling-to-affine`.
    public static var hostScaled: [any GraphPass] {
        [ScalingToAffine(), InputScalerRemoval()]
    }
}
