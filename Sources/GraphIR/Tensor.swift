import FixedPoint

/// A constant tensor held by an op (weights, biases, normalization statistics, affine scale
/// and offset). Elements are stored row-major; their count is the product of `shape`.
///
/// The elements are either float32 values (a float graph, or a fixed-point graph before the
/// `constant-quantization` pass) or raw integer codes of one fixed-point format (what that
/// pass stores, once, for every constant of a quantized graph: the interpreter and the
/// Verilog backend read these codes and never convert a constant themselves).
public struct Tensor: Hashable, Sendable {
    public var shape: [Int]
    public var storage: Storage

    /// How a tensor holds its elements.
    public enum Storage: Hashable, Sendable {
        case float([Float])
        /// Raw codes of `format` (two's complement for `ap_fixed`): element value `raw · 2^-F`.
        case codes([Int64], format: FixedFormat)
    }

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.storage = .float(values)
    }

    public init(shape: [Int], codes: [Int64], format: FixedFormat) {
        self.shape = shape
        self.storage = .codes(codes, format: format)
    }

    /// A tensor of the given shape filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// The number of elements the shape calls for (which ``storedCount`` should equal).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The number of elements stored (values or codes).
    public var storedCount: Int {
        switch storage {
        case let .float(values): values.count
        case let .codes(codes, _): codes.count
        }
    }

    /// The elements as floats: the stored values, or each code's real value (exact in
    /// `Double`, then rounded to `Float`; for reading and printing, never for arithmetic
    /// that must be bit-exact). Setting it stores float values.
    public var values: [Float] {
        get {
            switch storage {
            case let .float(values): values
            case let .codes(codes, format): codes.map { Float(format.value(raw: $0)) }
            }
        }
        set { storage = .float(newValue) }
    }

    /// The raw codes and their format, when the tensor holds codes.
    public var codes: (raw: [Int64], format: FixedFormat)? {
        if case let .codes(raw, format) = storage { return (raw, format) }
        return nil
    }

    /// Whether the tensor holds codes rather than float values.
    public var isQuantized: Bool { codes != nil }

    /// The tensor as codes of `format`: each float value goes through `format.quantize`
    /// (the one float → fixed conversion of a constant, used by the `constant-quantization`
    /// pass and by analyses that need the quantized value before it runs). A tensor that
    /// already holds codes of `format` is returned as it is; codes of another format are
    /// converted exactly by `format.convert(raw:from:)`.
    public func quantized(to format: FixedFormat) -> Tensor {
        switch storage {
        case let .float(values):
            return Tensor(shape: shape, codes: values.map { format.quantize($0) }, format: format)
        case let .codes(raw, from):
            guard from != format else { return self }
            return Tensor(shape: shape, codes: raw.map { format.convert(raw: $0, from: from) }, format: format)
        }
    }
}
