/// The KServe v2 tensor data types trigc reads and writes.
public enum TensorDataType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case fp16 = "FP16", fp32 = "FP32", fp64 = "FP64"
    case bytes = "BYTES"

    /// Bytes per element in the binary tensor encoding (nil for BYTES, whose elements carry
    /// their own length).
    public var elementSize: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    /// Types a model input accepts: trigc models take real numbers.
    public static let inputTypes: [TensorDataType] = [.fp32, .fp64]
}

/// An input tensor of a request, decoded to float32 (what the model computes on).
public struct InputTensor: Sendable, Equatable {
    public var name: String
    public var datatype: TensorDataType
    /// With the batch axis first.
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, datatype: TensorDataType, shape: [Int], values: [Float]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
        self.values = values
    }
}

/// The values of an output tensor.
public enum TensorValues: Sendable, Equatable {
    case fp32([Float])
    case int64([Int64])

    public var datatype: TensorDataType {
        switch self {
        case .fp32: .fp32
        case .int64: .int64
        }
    }

    public var count: Int {
        switch self {
        case let .fp32(values): values.count
        case let .int64(values): values.count
        }
    }

    /// The elements in `range` (whole events).
    func slice(_ range: Range<Int>) -> TensorValues {
        switch self {
        case let .fp32(values): .fp32(Array(values[range]))
        case let .int64(values): .int64(Array(values[range]))
        }
    }

    /// Little-endian bytes, as the binary tensor extension and gRPC raw contents carry them.
    public var littleEndianBytes: [UInt8] {
        switch self {
        case let .fp32(values): values.withUnsafeBytes { Array($0) }
        case let .int64(values): values.withUnsafeBytes { Array($0) }
        }
    }
}

/// An output tensor of a response.
public struct OutputTensor: Sendable, Equatable {
    public var name: String
    /// With the batch axis first.
    public var shape: [Int]
    public var values: TensorValues

    public init(name: String, shape: [Int], values: TensorValues) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    public var datatype: TensorDataType { values.datatype }
}

/// The name, type and shape of a model input or output; -1 marks the batch axis.
public struct TensorMetadata: Sendable, Equatable {
    public var name: String
    public var datatype: TensorDataType
    public var shape: [Int]

    public init(name: String, datatype: TensorDataType, shape: [Int]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }
}

/// One inference request, whatever protocol carried it.
public struct InferenceRequest: Sendable {
    public var model: String
    /// nil or empty: the model's highest version.
    public var version: String?
    public var id: String?
    public var inputs: [InputTensor]
    /// The outputs asked for by name (nil: all of them).
    public var requestedOutputs: [String]?

    public init(model: String, version: String? = nil, id: String? = nil, inputs: [InputTensor],
                requestedOutputs: [String]? = nil) {
        self.model = model
        self.version = version
        self.id = id
        self.inputs = inputs
        self.requestedOutputs = requestedOutputs
    }
}

/// The answer to one ``InferenceRequest``.
public struct InferenceResponse: Sendable {
    public var model: String
    public var version: String
    public var id: String?
    public var outputs: [OutputTensor]
}

/// A little-endian reader of one binary tensor into float32 values.
public enum BinaryTensor {
    /// Decodes `bytes` as `count` elements of `datatype` (FP32 or FP64); nil when the byte
    /// count is not exactly `count` elements.
    public static func floats(_ bytes: some Collection<UInt8>, datatype: TensorDataType, count: Int) -> [Float]? {
        guard let size = datatype.elementSize, bytes.count == count * size else { return nil }
        var values = [Float](repeating: 0, count: count)
        let contiguous = Array(bytes)
        contiguous.withUnsafeBytes { raw in
            switch datatype {
            case .fp32:
                for i in 0..<count {
                    values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            case .fp64:
                for i in 0..<count {
                    values[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                }
            default: break
            }
        }
        return values
    }
}
