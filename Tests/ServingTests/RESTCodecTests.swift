import Foundation
import Testing
@testable import Serving

/// The KServe v2 REST encoding, JSON and binary, with the errors of malformed bodies.
@Suite struct RESTCodecTests {
    func decode(_ json: String, binary: [UInt8] = [], headerLength: Bool = false) throws -> RESTCodec.DecodedRequest {
        let body = Array(json.utf8) + binary
        return try RESTCodec.decodeInfer(body, headerLength: headerLength ? "\(json.utf8.count)" : nil, model: "m", version: nil)
    }

    func message(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return ""
        } catch let error as ServingError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func nestedAndFlatJSONData() throws {
        let nested = try decode(#"{"inputs": [{"name": "x", "datatype": "FP32", "shape": [2, 3], "data": [[1, 2.5, -3], [4, 5, 6e-3]]}]}"#)
        let flat = try decode(#"{"inputs": [{"name": "x", "datatype": "FP32", "shape": [2, 3], "data": [1, 2.5, -3, 4, 5, 6e-3]}]}"#)
        #expect(nested.request.inputs[0].values == [1, 2.5, -3, 4, 5, 6e-3])
        #expect(flat.request.inputs == nested.request.inputs)
        #expect(nested.request.requestedOutputs == nil)
    }

    @Test func binaryInputsAndOutputParameters() throws {
        let values: [Float] = [0.1, -2, 3.75, 1e-7]
        let doubles: [Double] = [1.5, -0.25]
        let bytes = values.withUnsafeBytes { Array($0) } + doubles.withUnsafeBytes { Array($0) }
        let json = """
            {"id": "r1", "inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 4], "parameters": {"binary_data_size": 16}},
             {"name": "y", "datatype": "FP64", "shape": [1, 2], "parameters": {"binary_data_size": 16}}],
             "outputs": [{"name": "out", "parameters": {"binary_data": true}}, {"name": "out_raw"}]}
            """
        let decoded = try decode(json, binary: bytes, headerLength: true)
        #expect(decoded.request.inputs.map(\.values) == [values, [1.5, -0.25]])
        #expect(decoded.request.id == "r1")
        #expect(decoded.request.requestedOutputs == ["out", "out_raw"])
        #expect(decoded.binaryOutputs == ["out"])
    }

    @Test func malformedBodies() {
        let x = #"{"name": "x", "datatype": "FP32", "shape": [1, 2]"#
        #expect(message { try decode("{bad") } == "the request is not valid JSON.")
        #expect(message { try decode("[1]") } == "the request must be a JSON object.")
        #expect(message { try decode(#"{"inputs": 3}"#) }.contains("needs \"inputs\""))
        #expect(message { try decode(#"{"inputs": [\#(x), "data": [1]}]}"#) } == "input 'x' holds 1 values; its shape [1, 2] needs 2.")
        #expect(message { try decode(#"{"inputs": [\#(x), "data": [1, "a"]}]}"#) } == "input 'x' has data that is not a number.")
        #expect(message { try decode(#"{"inputs": [{"name": "x", "datatype": "INT32", "shape": [1], "data": [1]}]}"#) }
            == "input 'x' must be FP32 (or FP64), not INT32.")
        #expect(message { try decode(#"{"inputs": [{"name": "x", "datatype": "FLOAT", "shape": [1], "data": [1]}]}"#) }
            .contains("not a KServe v2 type"))
        #expect(message { try decode(#"{"inputs": [{"name": "x", "datatype": "FP32", "shape": [-1], "data": [1]}]}"#) }
            .contains("not a whole number ≥ 0"))
        #expect(message { try decode(#"{"inputs": [{"name": "x", "datatype": "FP32", "shape": [65536, 65536, 4], "data": []}]}"#) }
            .contains("too large for one request"))
        // Binary data cut short, or more than declared.
        let declared = #"{"inputs": [\#(x), "parameters": {"binary_data_size": 8}}]}"#
        #expect(message { try decode(declared, binary: [0, 0, 0, 0], headerLength: true) }
            .contains("declares 8 bytes of binary data but only 4 remain"))
        #expect(message { try decode(declared, binary: Array(repeating: 0, count: 12), headerLength: true) }
            .contains("4 bytes of binary data that no input declares"))
        #expect(message { try RESTCodec.decodeInfer(Array("{}".utf8), headerLength: "99", model: "m", version: nil) }
            .contains("not a length within the 2-byte body"))
        #expect(message { try decode(#"{"inputs": [], "parameters": {"classification": 2}}"#) }.contains("classification"))
    }

    /// Float32 outputs written as JSON read back as the same bits (via float64, as Python
    /// and numpy read them), and binary outputs come after the JSON with its length.
    @Test func responsesReadBackExactly() throws {
        let values = TestRepository.values(4000, seed: 5).map { $0 * 1e-3 } + [Float.leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        let response = InferenceResponse(model: "m", version: "2", id: nil, outputs: [
            OutputTensor(name: "a", shape: [values.count], values: .fp32(values)),
            OutputTensor(name: "b", shape: [2], values: .int64([-5, 1 << 40])),
        ])
        let (json, none) = RESTCodec.encodeInfer(response, binaryOutputs: [], allBinary: false)
        #expect(none == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let outputs = try #require(object["outputs"] as? [[String: Any]])
        let read = try #require(outputs[0]["data"] as? [NSNumber]).map { Float($0.doubleValue) }
        #expect(read == values)
        #expect(try #require(outputs[1]["data"] as? [NSNumber]).map(\.int64Value) == [-5, 1 << 40])

        let (body, length) = RESTCodec.encodeInfer(response, binaryOutputs: ["b"], allBinary: false)
        let jsonLength = try #require(length)
        #expect(Array(body[jsonLength...]) == [Int64(-5), 1 << 40].withUnsafeBytes { Array($0) })
        let header = try #require(try JSONSerialization.jsonObject(with: Data(body[..<jsonLength])) as? [String: Any])
        let b = try #require((header["outputs"] as? [[String: Any]])?[1])
        #expect((b["parameters"] as? [String: Any])?["binary_data_size"] as? Int == 16)
        #expect(b["data"] == nil)
    }

    @Test func errorBodyIsJSON() throws {
        let body = RESTCodec.errorBody("model \"x\" is not served\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: String])
        #expect(object["error"] == "model \"x\" is not served\n")
    }
}
