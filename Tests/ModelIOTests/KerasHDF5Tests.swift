import Foundation
import Testing
@testable import ModelIO

/// The HDF5 wrapper's additions for Keras files: lists of strings in attributes (fixed and
/// variable length, and h5py's empty float64 list), groups, and files opened from memory.
@Suite struct KerasHDF5Tests {
    @Test func readsStringListAttributes() throws {
        let keras2 = try HDF5File(path: KerasFixtures.path("keras2_sequential.h5"))
        #expect(try keras2.stringArrayAttribute("weight_names", of: "model_weights/dense_1")
            == ["dense_1/kernel:0", "dense_1/bias:0"])
        #expect(try keras2.stringArrayAttribute("keras_version") == ["2.3.1"])
        #expect(try keras2.stringAttribute("keras_version") == "2.3.1")

        let keras3 = try HDF5File(path: KerasFixtures.path("gru_reset_after.h5"))
        #expect(try keras3.stringArrayAttribute("weight_names", of: "model_weights/gru")
            == ["gru/gru_cell/kernel", "gru/gru_cell/recurrent_kernel", "gru/gru_cell/bias"])
        #expect(try keras3.stringArrayAttribute("weight_names", of: "model_weights/masking") == [])
        #expect(try keras3.stringAttribute("keras_version")?.hasPrefix("3.") == true)
        #expect(try keras3.stringArrayAttribute("absent") == nil)
        #expect(keras3.hasAttribute("model_config"))
        #expect(!keras3.hasAttribute("weight_names", of: "no/such/group"))
        #expect(keras3.hasGroup("model_weights/gru"))
        #expect(!keras3.hasGroup("model_weights/nothing"))
    }

    @Test func opensAFileImageFromMemory() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: KerasFixtures.path("gru_reset_after.data.h5"))))
        let file = try HDF5File(image: bytes, path: "memory.h5")
        #expect(try file.children(of: "inputs") == ["particles"])
        #expect(try file.shape(of: "outputs/dense") == [6, 3])
        #expect(throws: ModelIOError.self) {
            _ = try HDF5File(image: Array(bytes.prefix(100)), path: "cut.h5")
        }
    }
}
