import Foundation
import Testing
@testable import ModelIO

/// Numbers in a model configuration become sizes only when whole and bounded, and weights are
/// checked by their declared shape before they are read.
@Suite struct KerasLimitsTests {
    /// A weightless legacy HDF5 file: an input layer of `inputShape` and then `layer`.
    func model(input inputShape: String, layer: String) throws -> String {
        let path = try temporaryDirectory().appendingPathComponent("model.h5").path
        let config = #"{"class_name": "Sequential", "config": {"name": "s", "layers": ["#
            + #"{"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": "# + inputShape + "}}"
            + (layer.isEmpty ? "" : ", " + layer) + "]}}"
        let file = try HDF5File(path: path, mode: .create(overwrite: false))
        try file.setStringAttribute("model_config", config)
        try file.setStringAttribute("keras_version", "2.4.0")
        return path
    }

    func importError(_ path: String) -> KerasImportError? {
        do {
            _ = try KerasImporter.load(path)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("[null, 6.5]", "", "layer 'x' has batch_input_shape entry 6.5, which is not a whole number."),
        ("[null, 1e19]", "", "layer 'x' has batch_input_shape entry 1e+19, which is larger than the 16777216 trigc accepts."),
        ("[null, 0]", "", "layer 'x' has batch_input_shape entry 0, which is not positive."),
        ("[null, 100000, 100000]", "",
         "layer 'x' has batch_input_shape [100000, 100000], more than the 16777216 values per event trigc accepts."),
        ("[null, 4]", #"{"class_name": "Dense", "config": {"name": "fc", "units": 1e19}}"#,
         "layer 'fc' has units=1e+19, which is larger than the 16777216 trigc accepts."),
        ("[null, 4]", #"{"class_name": "Dense", "config": {"name": "fc", "units": 2.5}}"#,
         "layer 'fc' has units=2.5, which is not a whole number."),
        ("[null, 4]", #"{"class_name": "Concatenate", "config": {"name": "cat", "axis": 1e19}}"#,
         "layer 'cat' has axis=1e+19, which is larger than the 32 trigc accepts."),
    ])
    func configNumbersAreExactAndBounded(input: String, layer: String, message: String) throws {
        let path = try model(input: input, layer: layer)
        let text = importError(path).map { "\($0)" } ?? "no error"
        #expect(text == "\(path): \(message)")
    }

    /// Keras files from a fuzzer whose configuration or weights declare absurd sizes.
    @Test(.enabled(if: ReadLimitsTests.reproAvailable, "needs ../shared/repro/ beside the repository"),
          arguments: [
            ("cfg_units_1e19.h5", "units=1e+19"),
            ("config_bs_1e19.keras", "entry 1e+19"),
            ("cfg_weight_declared_64x1e10.h5", "10000000000"),
            ("cfg_weight_rank5_overflow.h5", "does not fit in 64 bits"),
            ("crash_141_keras2_seq_head.h5", "[137438953478]"),
          ])
    func absurdSizesInKerasFilesAreRefused(name: String, words: String) {
        let path = ReadLimitsTests.reproPath(name)
        let text = importError(path).map { "\($0)" } ?? "no error"
        #expect(text.hasPrefix(path) && text.hasSuffix(".") && !text.contains("\n"), "\(text)")
        #expect(text.contains(words), "\(text)")
    }

    /// A weight whose declared shape disagrees with the layer is refused from its shape alone.
    @Test(.enabled(if: ReadLimitsTests.reproAvailable, "needs ../shared/repro/ beside the repository"))
    func weightShapeIsCheckedBeforeReading() {
        let error = importError(ReadLimitsTests.reproPath("cfg_weight_declared_64x1e10.h5"))
        guard case let .weightShape(_, _, _, _, _, found)? = error else {
            Issue.record("expected a weight shape error, got \(String(describing: error))")
            return
        }
        #expect(found.contains(10_000_000_000))
    }
}
