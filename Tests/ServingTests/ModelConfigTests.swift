import Foundation
import Testing
@testable import Serving

@Suite struct ModelConfigTests {
    func parse(_ text: String) throws -> ModelConfig {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try ModelConfig.parse(object, model: "m")
    }

    func failure(_ text: String) -> String {
        do {
            _ = try parse(text)
            return ""
        } catch let error as RepositoryError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func readsEveryKey() throws {
        let config = try parse("""
            {"name": "m", "backend": "fixed", "fixed": "ap_fixed<12,4,AP_RND,AP_SAT>", "table_size": 4096,
             "exact_accumulators": true, "max_batch_size": 64, "dynamic_batching": {"max_queue_delay_microseconds": 500},
             "description": "HLF DNN"}
            """)
        #expect(config.backend == .fixed)
        #expect(config.fixed?.width == 12)
        #expect(config.tableSize == 4096)
        #expect(config.exactAccumulators)
        #expect(config.maxBatchSize == 64)
        #expect(config.maxQueueDelayMicroseconds == 500)
        #expect(config.description == "HLF DNN")
    }

    @Test func defaults() throws {
        let config = try parse(#"{"backend": "float"}"#)
        #expect(config.maxBatchSize == 1024)
        #expect(config.maxQueueDelayMicroseconds == 0)
        #expect(config.tableSize == 1024)
        #expect(try parse(#"{"backend": "float", "dynamic_batching": {}}"#).maxQueueDelayMicroseconds == 100)
        #expect(config.fixed == nil)
    }

    @Test(arguments: [
        (#"{"backend": "fixed", "max_batch": 4}"#, "unknown key 'max_batch'"),
        (#"{"fixed": "ap_fixed<16,6>"}"#, "needs \"backend\""),
        (#"{"backend": "gpu"}"#, "'backend' must be one of fixed, float, opencl, rtl, not 'gpu'"),
        (#"{"backend": "float", "fixed": "ap_fixed<16,6>"}"#, "'fixed' needs backend fixed or rtl"),
        (#"{"backend": "fixed", "fixed": "ap_fixed<16>"}"#, "'fixed' is not a format"),
        (#"{"backend": "fixed", "table_size": 1000}"#, "power of two"),
        (#"{"backend": "fixed", "max_batch_size": 0}"#, "'max_batch_size' must be a whole number from 1"),
        (#"{"backend": "fixed", "max_batch_size": 2.5}"#, "'max_batch_size' must be a whole number"),
        (#"{"backend": "fixed", "exact_accumulators": 1}"#, "'exact_accumulators' must be true or false"),
        (#"{"backend": "fixed", "dynamic_batching": {"delay": 1}}"#, "unknown key 'dynamic_batching.delay'"),
        (#"{"backend": "fixed", "device": "opencl"}"#, "'device' is for backend opencl only"),
        (#"{"backend": "rtl", "simulator": "vcs"}"#, "'simulator' must be 'verilator' or 'icarus'"),
        (#"{"backend": "fixed", "name": "other"}"#, "'name' must be the model's directory name 'm'"),
    ])
    func refusesWithOneSentence(text: String, expected: String) {
        let message = failure(text)
        #expect(message.contains(expected), "\(message)")
    }

    @Test func namesTheFile() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let path = repository.root.appendingPathComponent("config.json").path
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: RepositoryError("\(path): is not valid JSON.")) { try ModelConfig.read(path, model: "m") }
    }
}
