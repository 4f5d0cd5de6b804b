import GraphIR

/// One weight of a layer: its dataset and declared shape (its values are read only once
/// the shape has been checked against the layer's configuration).
struct KerasWeight {
    var dataset: String
    var shape: [Int]
}

/// Finds each layer's weights, in the order Keras lists them, in either weights layout:
///
/// - legacy HDF5 (Keras 2 and Keras 3's `model.save("x.h5")`): the group
///   `model_weights/<layer>` has a `weight_names` attribute listing dataset paths relative to
///   it (`dense/kernel:0`, `sequential/dense/kernel`, `gru/gru_cell/bias`);
/// - `.keras` (`model.weights.h5`): `layers/<key>/vars/0, 1, …`, then nested objects'
///   (`layers/gru/cell/vars/…`). The key is derived from the class name, so the layer is
///   found by the `name` attribute of its `vars` group (falling back to the key itself).
struct KerasWeightStore {
    enum Layout {
        case legacy
        /// Layer name → its group in the weights file.
        case archive(groups: [String: String])
    }

    let file: HDF5File
    let layout: Layout
    /// The file named in messages.
    let path: String

    static func legacy(_ file: HDF5File, path: String) -> KerasWeightStore {
        KerasWeightStore(file: file, layout: .legacy, path: path)
    }

    static func archive(_ file: HDF5File, path: String) throws(KerasImportError) -> KerasWeightStore {
        var groups: [String: String] = [:]
        if file.hasGroup("layers") {
            for key in try wrap({ () throws(ModelIOError) in try file.children(of: "layers") }) {
                let group = "layers/" + key
                let name = try wrap({ () throws(ModelIOError) in try file.stringAttribute("name", of: group + "/vars") })
                groups[name ?? key] = group
            }
        }
        return KerasWeightStore(file: file, layout: .archive(groups: groups), path: path)
    }

    /// The layer's weights in Keras order (empty when the file has none for it), not yet read.
    func weights(of layer: String) throws(KerasImportError) -> [KerasWeight] {
        var datasets: [String] = []
        switch layout {
        case .legacy:
            let group = "model_weights/" + layer
            guard file.hasGroup(group) else { return [] }
            for name in try weightNames(of: group) {
                let dataset = group + "/" + name
                guard file.hasDataset(dataset) else {
                    throw .missingWeight(path: path, layer: layer, weight: name, dataset: dataset)
                }
                datasets.append(dataset)
            }
        case let .archive(groups):
            guard let group = groups[layer] else { return [] }
            try collectVars(group, into: &datasets)
        }
        var weights: [KerasWeight] = []
        for dataset in datasets {
            let shape = try Self.wrap { () throws(ModelIOError) in try file.shape(of: dataset) }
            weights.append(KerasWeight(dataset: dataset, shape: shape))
        }
        return weights
    }

    /// The values of a weight whose shape has been checked.
    func values(of weight: KerasWeight) throws(KerasImportError) -> [Float] {
        try Self.wrap { () throws(ModelIOError) in try file.readFloats(weight.dataset) }.values
    }

    /// Where the `index`-th weight of a layer (Keras calls it `label`) would be, for a
    /// message about a missing one.
    func location(of layer: String, index: Int, label: String) -> String {
        switch layout {
        case .legacy: "model_weights/\(layer)/\(layer)/\(label):0"
        case let .archive(groups): "\(groups[layer] ?? "layers/" + layer)/vars/\(index)"
        }
    }

    /// `weight_names`, or the chunks `weight_names0`, `weight_names1`, … Keras writes when
    /// the list is too long for one attribute.
    private func weightNames(of group: String) throws(KerasImportError) -> [String] {
        let read = { (name: String) throws(KerasImportError) -> [String]? in
            try Self.wrap { () throws(ModelIOError) in try file.stringArrayAttribute(name, of: group) }
        }
        if let names = try read("weight_names") { return names }
        var names: [String] = []
        var chunk = 0
        while let part = try read("weight_names\(chunk)") {
            names += part
            chunk += 1
        }
        return names
    }

    private func collectVars(_ group: String, into datasets: inout [String]) throws(KerasImportError) {
        let children = try Self.wrap { () throws(ModelIOError) in try file.children(of: group) }
        if children.contains("vars") {
            let vars = try Self.wrap { () throws(ModelIOError) in try file.children(of: group + "/vars") }
            let ordered = vars.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
            datasets += ordered.map { group + "/vars/" + $0 }.filter { file.hasDataset($0) }
        }
        for child in children.sorted() where child != "vars" && file.hasGroup(group + "/" + child) {
            try collectVars(group + "/" + child, into: &datasets)
        }
    }

    static func wrap<T>(_ body: () throws(ModelIOError) -> T) throws(KerasImportError) -> T {
        do { return try body() } catch { throw .file(error) }
    }
}

/// Hands a layer's weights out one by one, checking each against the configuration.
struct KerasWeightBinder {
    let store: KerasWeightStore
    let layer: String
    private let weights: [KerasWeight]
    private var next = 0

    init(store: KerasWeightStore, layer: String) throws(KerasImportError) {
        self.store = store
        self.layer = layer
        weights = try store.weights(of: layer)
    }

    /// The next weight, which must have `shape` (checked before its values are read); `label`
    /// is Keras's name for it.
    mutating func take(_ label: String, _ shape: [Int]) throws(KerasImportError) -> Tensor {
        guard next < weights.count else {
            throw .missingWeight(path: store.path, layer: layer, weight: label, dataset: store.location(of: layer, index: next, label: label))
        }
        let weight = weights[next]
        next += 1
        guard weight.shape == shape else {
            throw .weightShape(
                path: store.path, layer: layer, weight: label, dataset: weight.dataset,
                expected: shape, found: weight.shape)
        }
        let values = try store.values(of: weight)
        // The file cannot change between the two reads, but a damaged one could disagree.
        guard values.count == shape.reduce(1, *) else {
            throw .weightShape(path: store.path, layer: layer, weight: label, dataset: weight.dataset, expected: shape, found: [values.count])
        }
        return Tensor(shape: shape, values: values)
    }

    /// Checks that every weight in the file was used.
    func finish() throws(KerasImportError) {
        if next != weights.count {
            throw .extraWeights(path: store.path, layer: layer, expected: next, found: weights.count)
        }
    }
}
