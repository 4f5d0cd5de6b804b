import GraphIR

extension KerasImporter {
    /// The `model_config` of a legacy HDF5 model, as stored (nil when it has none).
    public static func config(ofHDF5 path: String) throws(KerasImportError) -> String? {
        let file = try KerasWeightStore.wrap { () throws(ModelIOError) in try HDF5File(path: path) }
        return try KerasWeightStore.wrap { () throws(ModelIOError) in try file.stringAttribute("model_config") }
    }

    /// Imports a legacy HDF5 model with `config` in place of its own `model_config`: the same
    /// checks as ``load(_:)`` on a configuration the file did not carry (for fuzzing the
    /// configuration reader against real weights).
    public static func load(_ path: String, config: String) throws(KerasImportError) -> Graph {
        let file = try KerasWeightStore.wrap { () throws(ModelIOError) in try HDF5File(path: path) }
        let version = try KerasWeightStore.wrap { () throws(ModelIOError) in try file.stringAttribute("keras_version") }
        let spec = try KerasConfigReader(path: path).read(config)
        return try build(spec, store: .legacy(file, path: path), era: KerasEra(version: version), path: path)
    }
}
