import Foundation

/// The KServe v2 REST encoding of inference requests and responses: JSON tensors, and
/// Triton's binary tensor data extension (a JSON header of `Inference-Header-Content-Length`
/// bytes followed by the tensors' little-endian bytes, in the order of the tensors that
/// declare a `binary_data_size`).
public enum RESTCodec {
    /// The header that gives the JSON part's length when binary data follows.
    public static let headerLengthField = "Inference-Header-Content-Length"

    /// A decoded infer request and how its outputs are to be encoded.
    public struct DecodedRequest: Sendable {
        public var request: InferenceRequest
        /// Outputs asked for as binary data, by name.
        public var binaryOutputs: Set<String>
        /// Every output in binary (request parameter `binary_data_output`).
        public var allBinary: Bool
    }

    /// Decodes the body of `POST /v2/models/<model>[/versions/<version>]/infer`.
    /// `headerLength` is the `Inference-Header-Content-Length` header, when present.
    public static func decodeInfer(
        _ body: [UInt8], headerLength: String?, model: String, version: String?
    ) throws(ServingError) -> DecodedRequest {
        var jsonLength = body.count
        if let headerLength {
            guard let length = Int(headerLength.trimmingCharacters(in: .whitespaces)), length >= 0, length <= body.count else {
                throw .bad("\(headerLengthField) is '\(headerLength)', not a length within the \(body.count)-byte body.")
            }
            jsonLength = length
        }
        let object = try jsonObject(body[0..<jsonLength], what: "the request")
        if let parameters = object["parameters"] as? [String: Any], parameters["classification"] != nil {
            throw .bad("the classification extension is not supported; ask for the outputs themselves.")
        }
        guard let inputList = object["inputs"] as? [Any] else {
            throw .bad("the request needs \"inputs\": a list of tensors.")
        }
        var binaryOffset = jsonLength
        var inputs: [InputTensor] = []
        for (index, item) in inputList.enumerated() {
            guard let tensor = item as? [String: Any] else { throw .bad("inputs[\(index)] is not an object.") }
            guard let name = tensor["name"] as? String else { throw .bad("inputs[\(index)] has no \"name\".") }
            guard let spelling = tensor["datatype"] as? String else { throw .bad("input '\(name)' has no \"datatype\".") }
            guard let datatype = TensorDataType(rawValue: spelling) else {
                throw .bad("input '\(name)' has datatype '\(spelling)', not a KServe v2 type.")
            }
            guard TensorDataType.inputTypes.contains(datatype) else {
                throw .bad("input '\(name)' must be FP32 (or FP64), not \(spelling).")
            }
            let shape = try shapeList(tensor["shape"], name: name)
            let count = try elementCount(shape, name: name)
            let values: [Float]
            let parameters = tensor["parameters"] as? [String: Any]
            if let size = parameters?["binary_data_size"] {
                guard let size = (size as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), size >= 0 else {
                    throw .bad("input '\(name)' has a binary_data_size that is not a whole number of bytes.")
                }
                guard binaryOffset + size <= body.count else {
                    throw .bad("input '\(name)' declares \(size) bytes of binary data but only \(body.count - binaryOffset) remain in the body.")
                }
                guard let decoded = BinaryTensor.floats(body[binaryOffset..<(binaryOffset + size)], datatype: datatype, count: count) else {
                    throw .bad("input '\(name)' has \(size) bytes of binary data; its shape \(shape) of \(spelling) needs \(count * (datatype.elementSize ?? 0)).")
                }
                values = decoded
                binaryOffset += size
            } else {
                guard let data = tensor["data"] else { throw .bad("input '\(name)' has neither \"data\" nor binary data.") }
                var flat: [Float] = []
                flat.reserveCapacity(count)
                try flatten(data, into: &flat, name: name, limit: count)
                guard flat.count == count else {
                    throw .bad("input '\(name)' holds \(flat.count) values; its shape \(shape) needs \(count).")
                }
                values = flat
            }
            inputs.append(InputTensor(name: name, datatype: datatype, shape: shape, values: values))
        }
        guard binaryOffset == body.count else {
            throw .bad("the body holds \(body.count - binaryOffset) bytes of binary data that no input declares.")
        }
        var requested: [String]?
        var binaryOutputs: Set<String> = []
        if let outputs = object["outputs"] {
            guard let outputs = outputs as? [Any] else { throw .bad("\"outputs\" must be a list of {\"name\": ...}.") }
            requested = []
            for (index, item) in outputs.enumerated() {
                guard let output = item as? [String: Any], let name = output["name"] as? String else {
                    throw .bad("outputs[\(index)] has no \"name\".")
                }
                let parameters = output["parameters"] as? [String: Any]
                if parameters?["classification"] != nil {
                    throw .bad("output '\(name)' asks for classification, which is not supported.")
                }
                if isTrue(parameters?["binary_data"]) { binaryOutputs.insert(name) }
                requested?.append(name)
            }
        }
        let parameters = object["parameters"] as? [String: Any]
        let id = object["id"] as? String
        return DecodedRequest(
            request: InferenceRequest(model: model, version: version, id: id, inputs: inputs, requestedOutputs: requested),
            binaryOutputs: binaryOutputs, allBinary: isTrue(parameters?["binary_data_output"]))
    }

    /// Encodes a response: the body and, when binary data follows the JSON, the JSON's length
    /// (for the `Inference-Header-Content-Length` header).
    public static func encodeInfer(
        _ response: InferenceResponse, binaryOutputs: Set<String>, allBinary: Bool
    ) -> (body: [UInt8], headerLength: Int?) {
        var json = JSONWriter()
        var binary: [UInt8] = []
        json.open("{")
        json.key("model_name"); json.string(response.model); json.comma()
        json.key("model_version"); json.string(response.version)
        if let id = response.id { json.comma(); json.key("id"); json.string(id) }
        json.comma(); json.key("outputs"); json.open("[")
        for (index, output) in response.outputs.enumerated() {
            if index > 0 { json.comma() }
            json.open("{")
            json.key("name"); json.string(output.name); json.comma()
            json.key("datatype"); json.string(output.datatype.rawValue); json.comma()
            json.key("shape"); json.integers(output.shape.map(Int64.init)); json.comma()
            if allBinary || binaryOutputs.contains(output.name) {
                let bytes = output.values.littleEndianBytes
                json.key("parameters"); json.open("{"); json.key("binary_data_size"); json.raw(String(bytes.count)); json.close("}")
                binary += bytes
            } else {
                json.key("data")
                switch output.values {
                case let .fp32(values): json.floats(values)
                case let .int64(values): json.integers(values)
                }
            }
            json.close("}")
        }
        json.close("]")
        json.close("}")
        if binary.isEmpty { return (json.bytes, nil) }
        return (json.bytes + binary, json.bytes.count)
    }

    /// `{"error": message}`, the body of every failed REST request.
    public static func errorBody(_ message: String) -> [UInt8] {
        var json = JSONWriter()
        json.open("{"); json.key("error"); json.string(message); json.close("}")
        return json.bytes
    }

    // MARK: JSON reading

    /// Parses a JSON object; a body that is not one is a bad request naming `what`.
    public static func jsonObject(_ bytes: ArraySlice<UInt8>, what: String) throws(ServingError) -> [String: Any] {
        guard !bytes.isEmpty else { throw .bad("\(what) has no JSON part (an empty body, or Inference-Header-Content-Length 0); it must be a JSON object.") }
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw ServingError.bad("\(what) must be a JSON object.")
            }
            return object
        } catch let error as ServingError {
            throw error
        } catch {
            throw .bad("\(what) is not valid JSON.")
        }
    }

    static func shapeList(_ value: Any?, name: String) throws(ServingError) -> [Int] {
        guard let list = value as? [Any] else { throw .bad("input '\(name)' has no \"shape\" list.") }
        var shape: [Int] = []
        for item in list {
            guard let number = item as? NSNumber, !isJSONBool(number), number.doubleValue == number.doubleValue.rounded(), number.doubleValue >= 0 else {
                throw .bad("input '\(name)' has a shape entry that is not a whole number ≥ 0.")
            }
            guard let size = Int(exactly: number.doubleValue), size <= 1 << 31 else {
                throw .bad("input '\(name)' has a shape entry of \(number), too large for one request.")
            }
            shape.append(size)
        }
        return shape
    }

    /// The element count of `shape`, refusing counts past what a request body can carry.
    static func elementCount(_ shape: [Int], name: String) throws(ServingError) -> Int {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= 1 << 31 else { throw .bad("input '\(name)' has shape \(shape), too large for one request.") }
            count = product
        }
        return count
    }

    static func flatten(_ value: Any, into flat: inout [Float], name: String, limit: Int) throws(ServingError) {
        if let list = value as? [Any] {
            for item in list { try flatten(item, into: &flat, name: name, limit: limit) }
        } else if let number = value as? NSNumber, !isJSONBool(number) {
            guard flat.count < limit else { throw .bad("input '\(name)' holds more values than its shape.") }
            flat.append(Float(number.doubleValue))
        } else {
            throw .bad("input '\(name)' has data that is not a number.")
        }
    }

    public static func isTrue(_ value: Any?) -> Bool {
        guard let value, isJSONBool(value), let number = value as? NSNumber else { return false }
        return number.boolValue
    }
}

/// A small JSON writer into bytes (numbers written so that float32 values read back
/// exactly: each as the shortest decimal of its float64 value).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func open(_ bracket: Unicode.Scalar) { bytes.append(UInt8(ascii: bracket)) }
    public mutating func close(_ bracket: Unicode.Scalar) { open(bracket) }
    public mutating func comma() { bytes.append(UInt8(ascii: ",")) }
    public mutating func raw(_ text: String) { bytes += Array(text.utf8) }

    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Names and numbers need no escapes: their bytes go in as they are.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": raw("\\\"")
            case "\\": raw("\\\\")
            case "\n": raw("\\n")
            case "\r": raw("\\r")
            case "\t": raw("\\t")
            case _ where scalar.value < 0x20: raw(String(format: "\\u%04x", scalar.value))
            default: bytes += Array(String(scalar).utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func bool(_ flag: Bool) { raw(flag ? "true" : "false") }

    public mutating func integers(_ values: [Int64]) {
        open("[")
        for (i, value) in values.enumerated() {
            if i > 0 { comma() }
            raw(String(value))
        }
        close("]")
    }

    public mutating func strings(_ values: [String]) {
        open("[")
        for (i, value) in values.enumerated() {
            if i > 0 { comma() }
            string(value)
        }
        close("]")
    }

    public mutating func floats(_ values: [Float]) {
        open("[")
        for (i, value) in values.enumerated() {
            if i > 0 { comma() }
            // JSON has no NaN or infinity.
            raw(value.isFinite ? "\(Double(value))" : "null")
        }
        close("]")
    }
}
