import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Serving

/// The KServe v2 REST API (with Triton's binary tensor data and model repository
/// extensions) over an ``InferenceServer``. Every failure is a JSON `{"error": "..."}`.
struct RESTRoutes {
    let server: InferenceServer
    /// The largest request body read.
    let maxRequestBytes: Int

    /// Triton's `Inference-Header-Content-Length` (the JSON part of a binary request).
    let headerLength: HTTPField.Name

    init(server: InferenceServer, maxRequestBytes: Int) throws {
        guard let headerLength = HTTPField.Name(RESTCodec.headerLengthField) else {
            throw Failure(message: "trigc serve: \(RESTCodec.headerLengthField) is not a valid HTTP field name.")
        }
        self.server = server
        self.maxRequestBytes = maxRequestBytes
        self.headerLength = headerLength
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(JSONErrorMiddleware())
        router.get("/v2/health/live") { _, _ in Response(status: .ok) }
        router.get("/v2/health/ready") { _, _ in Response(status: server.repository.isReady ? .ok : .serviceUnavailable) }
        router.get("/v2") { _, _ in serverMetadata() }
        router.get("/v2/models/:model") { _, context in try modelMetadata(context, version: nil) }
        router.get("/v2/models/:model/versions/:version") { _, context in try modelMetadata(context, version: context.parameters.get("version")) }
        router.get("/v2/models/:model/ready") { _, context in try modelReady(context, version: nil) }
        router.get("/v2/models/:model/versions/:version/ready") { _, context in
            try modelReady(context, version: context.parameters.get("version"))
        }
        router.get("/v2/models/:model/config") { _, context in try modelConfig(context, version: nil) }
        router.get("/v2/models/:model/versions/:version/config") { _, context in
            try modelConfig(context, version: context.parameters.get("version"))
        }
        router.post("/v2/models/:model/infer") { request, context in await infer(request, context, version: nil) }
        router.post("/v2/models/:model/versions/:version/infer") { request, context in
            await infer(request, context, version: context.parameters.get("version"))
        }
        router.post("/v2/repository/index") { request, _ in try await repositoryIndex(request) }
        router.post("/v2/repository/models/:model/load") { _, context in
            try server.repository.load(try modelName(context))
            return Self.json(.ok, Array("{}".utf8))
        }
        router.post("/v2/repository/models/:model/unload") { _, context in
            try server.repository.unload(try modelName(context))
            return Self.json(.ok, Array("{}".utf8))
        }
        return router
    }

    func modelName(_ context: BasicRequestContext) throws(ServingError) -> String {
        guard let name = context.parameters.get("model") else { throw ServingError(.badRequest, "the path names no model.") }
        return name
    }

    func serverMetadata() -> Response {
        var json = JSONWriter()
        json.open("{")
        json.key("name"); json.string(InferenceServer.name); json.comma()
        json.key("version"); json.string(InferenceServer.version); json.comma()
        json.key("extensions"); json.strings(InferenceServer.extensions)
        json.close("}")
        return Self.json(.ok, json.bytes)
    }

    func modelMetadata(_ context: BasicRequestContext, version: String?) throws -> Response {
        let model = try server.repository.model(try modelName(context), version: version)
        var json = JSONWriter()
        json.open("{")
        json.key("name"); json.string(model.name); json.comma()
        json.key("versions"); json.strings(server.repository.versions(of: model.name).map(String.init)); json.comma()
        json.key("platform"); json.string(model.platform); json.comma()
        for (index, (key, tensors)) in [("inputs", model.inputs), ("outputs", model.outputs)].enumerated() {
            if index > 0 { json.comma() }
            json.key(key); json.open("[")
            for (i, tensor) in tensors.enumerated() {
                if i > 0 { json.comma() }
                json.open("{")
                json.key("name"); json.string(tensor.name); json.comma()
                json.key("datatype"); json.string(tensor.datatype.rawValue); json.comma()
                json.key("shape"); json.integers(tensor.shape.map(Int64.init))
                json.close("}")
            }
            json.close("]")
        }
        json.close("}")
        return Self.json(.ok, json.bytes)
    }

    func modelReady(_ context: BasicRequestContext, version: String?) throws -> Response {
        _ = try server.repository.model(try modelName(context), version: version)
        return Response(status: server.repository.isReady ? .ok : .serviceUnavailable)
    }

    /// Triton's model configuration as JSON (what `tritonclient`'s `get_model_config`
    /// returns), with trigc's own `config.json` keys under `trigc`.
    func modelConfig(_ context: BasicRequestContext, version: String?) throws -> Response {
        let model = try server.repository.model(try modelName(context), version: version)
        let triton = TritonConfig(model)
        func tensors(_ list: [TritonConfig.Tensor]) -> [[String: Any]] {
            list.map { ["name": $0.name, "data_type": $0.dataType, "dims": $0.dims] }
        }
        let object: [String: Any] = [
            "name": model.name, "platform": model.platform, "backend": "trigc",
            "max_batch_size": model.config.maxBatchSize,
            "input": tensors(triton.inputs), "output": tensors(triton.outputs),
            "dynamic_batching": ["max_queue_delay_microseconds": model.config.maxQueueDelayMicroseconds],
            "trigc": model.config.json,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Self.json(.ok, Array(data))
    }

    func repositoryIndex(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 16)
        var readyOnly = false
        if body.readableBytes > 0 {
            let object = try RESTCodec.jsonObject(ArraySlice(body.readableBytesView), what: "the repository index request")
            readyOnly = RESTCodec.isTrue(object["ready"])
        }
        var json = JSONWriter()
        json.open("[")
        for (i, entry) in server.repository.index(readyOnly: readyOnly).enumerated() {
            if i > 0 { json.comma() }
            json.open("{")
            json.key("name"); json.string(entry.name); json.comma()
            json.key("version"); json.string(entry.version); json.comma()
            json.key("state"); json.string(entry.state)
            if !entry.reason.isEmpty { json.comma(); json.key("reason"); json.string(entry.reason) }
            json.close("}")
        }
        json.close("]")
        return Self.json(.ok, json.bytes)
    }

    func infer(_ request: Request, _ context: BasicRequestContext, version: String?) async -> Response {
        let model = context.parameters.get("model") ?? ""
        do {
            let decoded: RESTCodec.DecodedRequest
            do {
                // An unknown model or version is 404 whatever the body holds.
                _ = try server.repository.model(model, version: version)
                if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
                    throw ServingError(.badRequest, "Content-Encoding '\(encoding)' is not supported; send the body uncompressed.")
                }
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: maxRequestBytes)
                } catch let error as HTTPError where error.status == .contentTooLarge {
                    throw tooLarge
                } catch is NIOTooManyBytesError {
                    throw tooLarge
                } catch {
                    throw ServingError(.badRequest, "the request body could not be read (\(error)).")
                }
                decoded = try RESTCodec.decodeInfer(Array(body.readableBytesView), headerLength: request.headers[headerLength],
                                                    model: model, version: version)
            } catch let error as ServingError {
                server.reportRejected(model: model, protocol: "http", error)
                throw error
            }
            let response = try await server.infer(decoded.request, protocol: "http")
            let (bytes, jsonLength) = RESTCodec.encodeInfer(response, binaryOutputs: decoded.binaryOutputs, allBinary: decoded.allBinary)
            var headers: HTTPFields = [.contentType: jsonLength == nil ? "application/json" : "application/octet-stream"]
            if let jsonLength { headers[headerLength] = String(jsonLength) }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch let error as ServingError {
            return Self.failure(error)
        } catch {
            return Self.failure(ServingError(.internalError, "\(error)"))
        }
    }

    var tooLarge: ServingError {
        ServingError(.tooLarge, "the request body is over this server's limit of \(maxRequestBytes) bytes (--max-request-bytes).")
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func failure(_ error: ServingError) -> Response {
        json(HTTPResponse.Status(code: error.httpStatus), RESTCodec.errorBody(error.message))
    }
}

/// Turns every error a route throws (and unknown paths) into a JSON `{"error": "..."}`.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServingError {
            return RESTRoutes.failure(error)
        } catch let error as HTTPError {
            let message: String
            switch error.status {
            case .notFound: message = "no such endpoint: \(request.method) \(request.uri.path)."
            case .methodNotAllowed: message = "\(request.method) is not allowed on \(request.uri.path)."
            case .contentTooLarge: message = "the request body is too large."
            default: message = error.body ?? "\(error.status.reasonPhrase.lowercased())."
            }
            return RESTRoutes.json(error.status, RESTCodec.errorBody(message))
        } catch {
            return RESTRoutes.json(.internalServerError, RESTCodec.errorBody("\(error)"))
        }
    }
}
