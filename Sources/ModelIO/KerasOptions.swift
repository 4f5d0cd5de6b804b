/// Typed reads of a layer's configuration values. Every number that becomes an Int is
/// checked to be whole and within bounds first, so a damaged configuration gets a
/// ``KerasImportError/badNumber(path:layer:key:inList:value:problem:)`` naming the layer and
/// key, never a trap or a truncation.
struct KerasOptions {
    /// The largest size of one axis (`units`, an input dimension).
    static let maxDimension = 1 << 24
    /// The most values one event of an input may have.
    static let maxValuesPerEvent = 1 << 24

    let path: String
    let layer: KerasLayerSpec
    var config: [String: KerasJSON] { layer.config }

    func number(_ key: String) throws(KerasImportError) -> Double? {
        guard let value = config[key], !value.isNull else { return nil }
        guard let number = value.number else { throw wrongType(key, value, "a number") }
        return number
    }

    func bool(_ key: String) throws(KerasImportError) -> Bool? {
        guard let value = config[key], !value.isNull else { return nil }
        guard let flag = value.bool else { throw wrongType(key, value, "true or false") }
        return flag
    }

    /// A positive whole number the layer must have (`units`), at most ``maxDimension``.
    func count(_ key: String) throws(KerasImportError) -> Int {
        guard let value = try number(key) else {
            throw .badConfig(path: path, reason: "of layer '\(layer.name)' has no positive whole '\(key)'")
        }
        return try dimension(value, key: key, inList: false)
    }

    /// A whole number of magnitude at most `magnitude` (an `axis`), or nil when absent.
    func integer(_ key: String, magnitude: Int) throws(KerasImportError) -> Int? {
        guard let value = try number(key) else { return nil }
        guard let integer = Int(exactly: value) else {
            let problem: KerasNumberProblem = value.isFinite && value == value.rounded() ? .tooLarge(limit: magnitude) : .notWhole
            throw bad(key, inList: false, value, problem)
        }
        if abs(integer) > magnitude { throw bad(key, inList: false, value, .tooLarge(limit: magnitude)) }
        return integer
    }

    /// A per-event shape from a list of sizes (`batch_shape` without its batch entry): each a
    /// positive whole number, at most ``maxDimension``, and ``maxValuesPerEvent`` in all.
    func shape(_ dims: [KerasJSON], key: String) throws(KerasImportError) -> [Int] {
        var shape: [Int] = []
        var count = 1
        for dim in dims {
            guard let size = dim.number else {
                throw unsupported(key, KerasJSON.array(dims).text + " (every axis but the batch must have a fixed size)")
            }
            let checked = try dimension(size, key: key, inList: true)
            let (product, overflow) = count.multipliedReportingOverflow(by: checked)
            if overflow || product > Self.maxValuesPerEvent {
                throw .shapeTooLarge(path: path, layer: layer.name, key: key, shape: KerasJSON.array(dims).text, limit: Self.maxValuesPerEvent)
            }
            shape.append(checked)
            count = product
        }
        return shape
    }

    /// `value` as a size: a whole number from 1 to ``maxDimension``.
    private func dimension(_ value: Double, key: String, inList: Bool) throws(KerasImportError) -> Int {
        guard value == value.rounded(), value.isFinite else { throw bad(key, inList: inList, value, .notWhole) }
        guard value >= 1 else { throw bad(key, inList: inList, value, .notPositive) }
        guard let size = Int(exactly: value), size <= Self.maxDimension else {
            throw bad(key, inList: inList, value, .tooLarge(limit: Self.maxDimension))
        }
        return size
    }

    func unsupported(_ option: String, _ value: String) -> KerasImportError {
        .unsupportedOption(path: path, layer: layer.name, className: layer.className, option: option, value: value)
    }

    private func bad(_ key: String, inList: Bool, _ value: Double, _ problem: KerasNumberProblem) -> KerasImportError {
        .badNumber(path: path, layer: layer.name, key: key, inList: inList, value: KerasJSON.number(value).text, problem: problem)
    }

    private func wrongType(_ key: String, _ value: KerasJSON, _ expected: String) -> KerasImportError {
        .badConfig(path: path, reason: "of layer '\(layer.name)' has \(key)=\(value.text) where \(expected) was expected")
    }
}
