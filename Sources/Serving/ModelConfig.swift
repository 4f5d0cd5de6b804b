import FixedPoint
import Foundation
import ModelIO

/// How one model of the repository is served: `DIR/<model>/config.json` (every key in
/// Docs/Serving.md). Unknown keys are refused, so that a misspelled key never silently
/// leaves a default in place.
public struct ModelConfig: Sendable, Equatable {
    /// What answers the model's requests.
    public enum Backend: String, Sendable, CaseIterable {
        /// The bit-exact fixed-point interpreter: what the FPGA answers (values and raw codes).
        case fixed
        /// The float32 CPU interpreter.
        case float
        /// Float on an OpenCL device.
        case opencl
        /// The compiled design under a Verilog simulator (hardware in the loop; slow).
        case rtl
    }

    public var backend: Backend
    /// The format a float model is quantized with (`fixed` and `rtl`); nil when the model
    /// file is already quantized.
    public var fixed: FixedFormat?
    /// The spelling of ``fixed`` as written.
    public var fixedSpelling: String?
    /// Entries in each activation table when quantizing (as `trigc run --table-size`).
    public var tableSize: Int
    /// Accumulators sized so that no input can overflow them (as `--exact-accumulators`).
    public var exactAccumulators: Bool
    /// The most events one batch may hold, per request and per combined batch.
    public var maxBatchSize: Int
    /// How long the first queued request waits for others to join its batch.
    public var maxQueueDelayMicroseconds: Int
    /// The OpenCL device (`opencl`, or `opencl:P:D` as `trigc devices` lists them).
    public var device: String
    /// The simulator of the `rtl` backend: `verilator` or `icarus`.
    public var simulator: String
    /// Free text shown in the repository index.
    public var description: String?

    public static let keys = [
        "name", "backend", "fixed", "table_size", "exact_accumulators", "max_batch_size", "dynamic_batching",
        "device", "simulator", "description",
    ]
    public static let maxBatchLimit = 1 << 20

    public init(backend: Backend, fixed: String? = nil, tableSize: Int = 1024, exactAccumulators: Bool = false,
                maxBatchSize: Int = 1024, maxQueueDelayMicroseconds: Int = 100, device: String = "opencl",
                simulator: String = "verilator") throws(RepositoryError) {
        self.backend = backend
        self.fixedSpelling = fixed
        self.tableSize = tableSize
        self.exactAccumulators = exactAccumulators
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelayMicroseconds = maxQueueDelayMicroseconds
        self.device = device
        self.simulator = simulator
        if let fixed {
            do {
                self.fixed = try FixedFormat(parsing: fixed)
            } catch {
                throw RepositoryError("'fixed' is not a format trigc reads: \(error)")
            }
        }
    }

    /// Reads and checks `path`; `model` is the directory's name (a `name` key must equal it).
    public static func read(_ path: String, model: String) throws(RepositoryError) -> ModelConfig {
        guard ModelFile.isRegularFile(path) else { throw RepositoryError("\(path): is not a regular file.") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RepositoryError("\(path): cannot be read (\(error.localizedDescription)).")
        }
        guard data.count <= 1 << 20 else { throw RepositoryError("\(path): is over 1 MiB, too large for a model configuration.") }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw RepositoryError("\(path): must hold one JSON object.")
            }
            object = parsed
        } catch let error as RepositoryError {
            throw error
        } catch {
            throw RepositoryError("\(path): is not valid JSON.")
        }
        do {
            return try parse(object, model: model)
        } catch {
            throw RepositoryError("\(path): \(error.message)")
        }
    }

    /// The configuration an already-parsed JSON object describes.
    static func parse(_ object: [String: Any], model: String) throws(RepositoryError) -> ModelConfig {
        for key in object.keys.sorted() where !keys.contains(key) {
            throw RepositoryError("unknown key '\(key)' (known: \(keys.joined(separator: ", "))).")
        }
        if let name = object["name"] {
            guard let name = name as? String, name == model else {
                throw RepositoryError("'name' must be the model's directory name '\(model)'.")
            }
        }
        guard let spelling = object["backend"] as? String else {
            throw RepositoryError("needs \"backend\": one of \(Backend.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")).")
        }
        guard let backend = Backend(rawValue: spelling) else {
            throw RepositoryError("'backend' must be one of \(Backend.allCases.map(\.rawValue).joined(separator: ", ")), not '\(spelling)'.")
        }
        let fixed = try string(object, "fixed")
        if fixed != nil, backend == .float || backend == .opencl {
            throw RepositoryError("'fixed' needs backend fixed or rtl; backend \(backend.rawValue) runs in float.")
        }
        var config = try ModelConfig(
            backend: backend, fixed: fixed,
            tableSize: try integer(object, "table_size", range: 2...65536) ?? 1024,
            maxBatchSize: try integer(object, "max_batch_size", range: 1...maxBatchLimit) ?? 1024)
        guard config.tableSize & (config.tableSize - 1) == 0 else {
            throw RepositoryError("'table_size' must be a power of two from 2 to 65536, not \(config.tableSize).")
        }
        if let flag = object["exact_accumulators"] {
            guard isJSONBool(flag), let flag = flag as? Bool else {
                throw RepositoryError("'exact_accumulators' must be true or false.")
            }
            config.exactAccumulators = flag
        }
        // Without dynamic_batching a request waits for no other (as in Triton); requests that
        // queue while a batch runs still go together.
        config.maxQueueDelayMicroseconds = 0
        if let batching = object["dynamic_batching"] {
            guard let batching = batching as? [String: Any] else {
                throw RepositoryError("'dynamic_batching' must be an object like {\"max_queue_delay_microseconds\": 100}.")
            }
            for key in batching.keys where key != "max_queue_delay_microseconds" {
                throw RepositoryError("unknown key 'dynamic_batching.\(key)' (known: max_queue_delay_microseconds).")
            }
            config.maxQueueDelayMicroseconds = try integer(batching, "max_queue_delay_microseconds", range: 0...10_000_000) ?? 100
        }
        if let device = try string(object, "device") {
            guard backend == .opencl else { throw RepositoryError("'device' is for backend opencl only.") }
            guard device == "opencl" || device.hasPrefix("opencl:") else {
                throw RepositoryError("'device' must be 'opencl' or 'opencl:P:D' (see trigc devices), not '\(device)'.")
            }
            config.device = device
        }
        if let simulator = try string(object, "simulator") {
            guard backend == .rtl else { throw RepositoryError("'simulator' is for backend rtl only.") }
            guard simulator == "verilator" || simulator == "icarus" else {
                throw RepositoryError("'simulator' must be 'verilator' or 'icarus', not '\(simulator)'.")
            }
            config.simulator = simulator
        }
        config.description = try string(object, "description")
        return config
    }

    private static func string(_ object: [String: Any], _ key: String) throws(RepositoryError) -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value as? String else { throw RepositoryError("'\(key)' must be a string.") }
        return text
    }

    private static func integer(_ object: [String: Any], _ key: String, range: ClosedRange<Int>) throws(RepositoryError) -> Int? {
        guard let value = object[key] else { return nil }
        guard let number = value as? NSNumber, !isJSONBool(number), let whole = Int(exactly: number.doubleValue),
              range.contains(whole)
        else {
            throw RepositoryError("'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return whole
    }

    /// The configuration as JSON values (the model config endpoint).
    public var json: [String: Any] {
        var object: [String: Any] = [
            "backend": backend.rawValue, "max_batch_size": maxBatchSize,
            "dynamic_batching": ["max_queue_delay_microseconds": maxQueueDelayMicroseconds],
        ]
        if let fixedSpelling { object["fixed"] = fixedSpelling }
        if backend == .fixed || backend == .rtl {
            object["table_size"] = tableSize
            object["exact_accumulators"] = exactAccumulators
        }
        if backend == .opencl { object["device"] = device }
        if backend == .rtl { object["simulator"] = simulator }
        if let description { object["description"] = description }
        return object
    }
}

/// Whether a JSON value decoded by Foundation is a boolean (JSONSerialization gives
/// NSNumber for both, and Swift's `as? Bool` accepts 0 and 1): a boolean's type code is
/// `c` (JSON numbers come back as `i`, `q` or `d`).
func isJSONBool(_ value: Any) -> Bool {
    guard let number = value as? NSNumber else { return false }
    return String(cString: number.objCType) == "c"
}
