import Foundation
import GRPCCore
import Serving

/// The KServe v2 gRPC service (`inference.GRPCInferenceService`) over an ``InferenceServer``.
/// Tensors come as `raw_input_contents` (what Triton clients send) or typed `contents`;
/// outputs go back as `raw_output_contents`, as Triton answers.
public struct InferenceService: Inference_GRPCInferenceService.SimpleServiceProtocol {
    public let server: InferenceServer
    /// The largest tensor payload of one request, in bytes. The transport accepts more
    /// (``transportLimit(_:)``), so that a message over the limit is answered
    /// RESOURCE_EXHAUSTED with a sentence instead of a reset stream; past the transport's
    /// limit grpc-swift resets the stream.
    public let maxRequestBytes: Int

    /// The message size the transport accepts for a `limit` on tensor bytes: four times it,
    /// and at least 16 MiB more, at most 2 GiB.
    public static func transportLimit(_ limit: Int) -> Int {
        min(max(4 * limit, limit + (16 << 20)), Int(Int32.max))
    }

    public init(server: InferenceServer, maxRequestBytes: Int) {
        self.server = server
        self.maxRequestBytes = maxRequestBytes
    }

    public func serverLive(request: Inference_ServerLiveRequest, context: ServerContext) async throws -> Inference_ServerLiveResponse {
        .with { $0.live = true }
    }

    public func serverReady(request: Inference_ServerReadyRequest, context: ServerContext) async throws -> Inference_ServerReadyResponse {
        .with { $0.ready = server.repository.isReady }
    }

    public func modelReady(request: Inference_ModelReadyRequest, context: ServerContext) async throws -> Inference_ModelReadyResponse {
        let ready = (try? server.repository.model(request.name, version: request.version)) != nil
        return .with { $0.ready = ready && server.repository.isReady }
    }

    public func serverMetadata(request: Inference_ServerMetadataRequest, context: ServerContext) async throws -> Inference_ServerMetadataResponse {
        .with {
            $0.name = InferenceServer.name
            $0.version = InferenceServer.version
            $0.extensions = InferenceServer.extensions
        }
    }

    public func modelMetadata(request: Inference_ModelMetadataRequest, context: ServerContext) async throws -> Inference_ModelMetadataResponse {
        let model = try rpc { () throws(ServingError) in try server.repository.model(request.name, version: request.version) }
        let versions = server.repository.versions(of: model.name)
        return .with {
            $0.name = model.name
            $0.versions = versions.map(String.init)
            $0.platform = model.platform
            $0.inputs = model.inputs.map(Self.metadata)
            $0.outputs = model.outputs.map(Self.metadata)
        }
    }

    static func metadata(_ tensor: TensorMetadata) -> Inference_ModelMetadataResponse.TensorMetadata {
        .with {
            $0.name = tensor.name
            $0.datatype = tensor.datatype.rawValue
            $0.shape = tensor.shape.map(Int64.init)
        }
    }

    /// Triton's configuration of the model: name, platform, max batch size, inputs and
    /// outputs without the batch axis, queue delay.
    public func modelConfig(request: Inference_ModelConfigRequest, context: ServerContext) async throws -> Inference_ModelConfigResponse {
        let model = try rpc { () throws(ServingError) in try server.repository.model(request.name, version: request.version) }
        let triton = TritonConfig(model)
        return .with {
            $0.config = .with { config in
                config.name = model.name
                config.platform = model.platform
                config.backend = "trigc"
                config.maxBatchSize = Int32(model.config.maxBatchSize)
                config.input = triton.inputs.map { tensor in
                    .with {
                        $0.name = tensor.name
                        $0.dataType = Self.dataType(tensor)
                        $0.dims = tensor.dims.map(Int64.init)
                    }
                }
                config.output = triton.outputs.map { tensor in
                    .with {
                        $0.name = tensor.name
                        $0.dataType = Self.dataType(tensor)
                        $0.dims = tensor.dims.map(Int64.init)
                    }
                }
                config.dynamicBatching = .with { $0.maxQueueDelayMicroseconds = UInt64(model.config.maxQueueDelayMicroseconds) }
            }
        }
    }

    static func dataType(_ tensor: TritonConfig.Tensor) -> Inference_DataType {
        Inference_DataType(rawValue: tensor.typeCode) ?? .typeInvalid
    }

    public func modelInfer(request: Inference_ModelInferRequest, context: ServerContext) async throws -> Inference_ModelInferResponse {
        try await rpc { () async throws(ServingError) in try await infer(request) }
    }

    public func modelStreamInfer(
        request: RPCAsyncSequence<Inference_ModelInferRequest, any Error>,
        response: RPCWriter<Inference_ModelStreamInferResponse>,
        context: ServerContext
    ) async throws {
        for try await message in request {
            do {
                let answer = try await infer(message)
                try await response.write(.with { $0.inferResponse = answer })
            } catch let error as ServingError {
                try await response.write(.with { $0.errorMessage = error.message })
            }
        }
    }

    public func repositoryIndex(request: Inference_RepositoryIndexRequest, context: ServerContext) async throws -> Inference_RepositoryIndexResponse {
        .with {
            $0.models = server.repository.index(readyOnly: request.ready).map { entry in
                .with {
                    $0.name = entry.name
                    $0.version = entry.version
                    $0.state = entry.state
                    $0.reason = entry.reason
                }
            }
        }
    }

    public func repositoryModelLoad(request: Inference_RepositoryModelLoadRequest, context: ServerContext) async throws -> Inference_RepositoryModelLoadResponse {
        try rpc { () throws(ServingError) in try server.repository.load(request.modelName) }
        return Inference_RepositoryModelLoadResponse()
    }

    public func repositoryModelUnload(request: Inference_RepositoryModelUnloadRequest, context: ServerContext) async throws -> Inference_RepositoryModelUnloadResponse {
        try rpc { () throws(ServingError) in try server.repository.unload(request.modelName) }
        return Inference_RepositoryModelUnloadResponse()
    }

    /// One inference: decoded, run, encoded.
    func infer(_ message: Inference_ModelInferRequest) async throws(ServingError) -> Inference_ModelInferResponse {
        let request: InferenceRequest
        do throws(ServingError) {
            let bytes = Self.payloadBytes(message)
            if bytes > maxRequestBytes {
                throw ServingError(.tooLarge, "the request carries \(bytes) bytes of tensors, over this server's limit of \(maxRequestBytes) (--max-request-bytes).")
            }
            request = try Self.decode(message)
        } catch {
            server.reportRejected(model: message.modelName, protocol: "grpc", error)
            throw error
        }
        return Self.encode(try await server.infer(request, protocol: "grpc"))
    }

    /// The bytes of a request's tensor data, raw or typed.
    static func payloadBytes(_ message: Inference_ModelInferRequest) -> Int {
        message.rawInputContents.reduce(0) { $0 + $1.count }
            + message.inputs.reduce(0) { $0 + 4 * $1.contents.fp32Contents.count + 8 * $1.contents.fp64Contents.count }
    }

    /// The request's tensors, from raw contents (one entry per input) or typed contents.
    public static func decode(_ message: Inference_ModelInferRequest) throws(ServingError) -> InferenceRequest {
        if message.parameters["classification"] != nil || message.outputs.contains(where: { $0.parameters["classification"] != nil }) {
            throw ServingError(.badRequest, "the classification extension is not supported; ask for the outputs themselves.")
        }
        let raw = message.rawInputContents
        if !raw.isEmpty, message.inputs.contains(where: { $0.hasContents }) {
            throw ServingError(.badRequest, "the request has both raw_input_contents and typed contents; send one or the other.")
        }
        if !raw.isEmpty, raw.count != message.inputs.count {
            throw ServingError(.badRequest, "the request has \(raw.count) raw_input_contents for \(message.inputs.count) inputs.")
        }
        var inputs: [InputTensor] = []
        for (index, tensor) in message.inputs.enumerated() {
            guard let datatype = TensorDataType(rawValue: tensor.datatype) else {
                throw ServingError(.badRequest, "input '\(tensor.name)' has datatype '\(tensor.datatype)', not a KServe v2 type.")
            }
            guard TensorDataType.inputTypes.contains(datatype) else {
                throw ServingError(.badRequest, "input '\(tensor.name)' must be FP32 (or FP64), not \(tensor.datatype).")
            }
            var count = 1
            var shape: [Int] = []
            for size in tensor.shape {
                guard size >= 0, size <= Int64(1 << 31) else {
                    throw ServingError(.badRequest, "input '\(tensor.name)' has shape \(tensor.shape), which is not a tensor shape.")
                }
                let (product, overflow) = count.multipliedReportingOverflow(by: Int(size))
                guard !overflow, product <= 1 << 31 else {
                    throw ServingError(.badRequest, "input '\(tensor.name)' has shape \(tensor.shape), too large for one request.")
                }
                count = product
                shape.append(Int(size))
            }
            let values: [Float]
            if !raw.isEmpty {
                guard let decoded = BinaryTensor.floats(raw[index], datatype: datatype, count: count) else {
                    throw ServingError(.badRequest, "input '\(tensor.name)' has \(raw[index].count) bytes of raw contents; its shape \(shape) of \(tensor.datatype) needs \(count * (datatype.elementSize ?? 0)).")
                }
                values = decoded
            } else {
                values = datatype == .fp32 ? tensor.contents.fp32Contents : tensor.contents.fp64Contents.map(Float.init)
                guard values.count == count else {
                    throw ServingError(.badRequest, "input '\(tensor.name)' holds \(values.count) values in its contents; its shape \(shape) needs \(count).")
                }
            }
            inputs.append(InputTensor(name: tensor.name, datatype: datatype, shape: shape, values: values))
        }
        let requested = message.outputs.isEmpty ? nil : message.outputs.map(\.name)
        return InferenceRequest(model: message.modelName, version: message.modelVersion,
                                id: message.id.isEmpty ? nil : message.id, inputs: inputs, requestedOutputs: requested)
    }

    public static func encode(_ response: InferenceResponse) -> Inference_ModelInferResponse {
        .with {
            $0.modelName = response.model
            $0.modelVersion = response.version
            $0.id = response.id ?? ""
            $0.outputs = response.outputs.map { output in
                .with {
                    $0.name = output.name
                    $0.datatype = output.datatype.rawValue
                    $0.shape = output.shape.map(Int64.init)
                }
            }
            $0.rawOutputContents = response.outputs.map { Data($0.values.littleEndianBytes) }
        }
    }

    /// Runs `body`, turning a ``ServingError`` into the matching gRPC status.
    func rpc<T>(_ body: () async throws(ServingError) -> T) async throws(RPCError) -> T {
        do {
            return try await body()
        } catch {
            throw RPCError(code: Self.code(of: error.kind), message: error.message)
        }
    }

    func rpc<T>(_ body: () throws(ServingError) -> T) throws(RPCError) -> T {
        do {
            return try body()
        } catch {
            throw RPCError(code: Self.code(of: error.kind), message: error.message)
        }
    }

    public static func code(of kind: ServingError.Kind) -> RPCError.Code {
        switch kind {
        case .badRequest: .invalidArgument
        case .notFound: .notFound
        case .tooLarge: .resourceExhausted
        case .unavailable: .unavailable
        case .internalError: .internalError
        }
    }
}
