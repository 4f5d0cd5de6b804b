/// A served model described as Triton describes its models (`model_config.proto`): tensors
/// without the batch axis, data types as `TYPE_FP32`. Used by the gRPC `ModelConfig` call and
/// REST `GET /v2/models/<m>/config`, which Triton clients (CMS's SONIC among them) read.
public struct TritonConfig: Sendable {
    public struct Tensor: Sendable {
        public var name: String
        /// `TYPE_FP32`, `TYPE_INT64`, …
        public var dataType: String
        /// The enum value of ``dataType`` in `model_config.proto`.
        public var typeCode: Int
        public var dims: [Int]
    }

    public var inputs: [Tensor]
    public var outputs: [Tensor]

    public init(_ model: ServedModel) {
        inputs = model.inputs.map(Self.tensor)
        outputs = model.outputs.map(Self.tensor)
    }

    static let typeCodes: [TensorDataType: Int] = [
        .bool: 1, .uint8: 2, .uint16: 3, .uint32: 4, .uint64: 5, .int8: 6, .int16: 7, .int32: 8, .int64: 9,
        .fp16: 10, .fp32: 11, .fp64: 12, .bytes: 13,
    ]

    static func tensor(_ metadata: TensorMetadata) -> Tensor {
        let type = metadata.datatype == .bytes ? "TYPE_STRING" : "TYPE_" + metadata.datatype.rawValue
        return Tensor(name: metadata.name, dataType: type, typeCode: typeCodes[metadata.datatype] ?? 0,
                      dims: Array(metadata.shape.dropFirst()))
    }
}
