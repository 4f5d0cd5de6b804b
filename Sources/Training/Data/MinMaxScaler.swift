/// Per-feature MinMax scaling `x' = x · scale + offset` with `scale = 1 / (max − min)` and
/// `offset = −min · scale`, fitted on training data. A constant feature gets scale 1 and
/// maps to 0. The same `scale`/`offset` go into the exported graph (`InputScaling`), so
/// training, evaluation and export apply identical arithmetic.
public struct MinMaxScaler: Codable, Hashable, Sendable {
    public var minimum: [Float]
    public var maximum: [Float]

    public init(minimum: [Float], maximum: [Float]) {
        precondition(minimum.count == maximum.count, "one minimum and maximum per feature")
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Number of features.
    public var features: Int { minimum.count }

    /// Fits on row-major `values` of `features` columns, using only the rows in `rows`
    /// (all rows when nil). With no rows every feature gets min 0, max 1.
    public static func fit(_ values: [Float], features: Int, rows: [Int]? = nil) -> MinMaxScaler {
        var fit = MinMaxFit(features: features)
        fit.add(values, rows: rows)
        return fit.scaler
    }

    /// `1 / (max − min)`, or 1 for a constant feature.
    public var scale: [Float] {
        zip(minimum, maximum).map { low, high in high > low ? 1 / (high - low) : 1 }
    }

    /// `−min · scale`.
    public var offset: [Float] {
        zip(minimum, scale).map { -$0 * $1 }
    }

    /// The scaling as the export's per-input preprocessing.
    public var inputScaling: InputScaling {
        InputScaling(scale: scale, offset: offset)
    }

    /// Scales row-major `values` in place: every row, or only those in `rows`.
    public func apply(_ values: inout [Float], rows: [Int]? = nil) {
        precondition(values.count % features == 0, "values hold whole rows")
        inputScaling.apply(&values, rows: rows)
    }
}

/// A MinMax fit built up piece by piece (rows seen in the same order give the same scaler as
/// one ``MinMaxScaler/fit(_:features:rows:)`` over all of them): for data read in chunks.
public struct MinMaxFit: Sendable {
    private var low: [Float]
    private var high: [Float]

    public init(features: Int) {
        precondition(features > 0, "at least one feature")
        low = [Float](repeating: .infinity, count: features)
        high = [Float](repeating: -.infinity, count: features)
    }

    /// Takes row-major `values` into the fit: the rows in `rows`, or all rows when nil.
    public mutating func add(_ values: [Float], rows: [Int]? = nil) {
        let features = low.count
        precondition(values.count % features == 0, "values hold whole rows")
        func take(_ r: Int) {
            let base = r * features
            for j in 0..<features {
                let x = values[base + j]
                if x < low[j] { low[j] = x }
                if x > high[j] { high[j] = x }
            }
        }
        if let rows {
            for r in rows { take(r) }
        } else {
            for r in 0..<(values.count / features) { take(r) }
        }
    }

    /// The scaler of the rows seen; a feature with no rows gets min 0, max 1.
    public var scaler: MinMaxScaler {
        var (low, high) = (self.low, self.high)
        for j in low.indices where low[j] > high[j] {
            (low[j], high[j]) = (0, 1)
        }
        return MinMaxScaler(minimum: low, maximum: high)
    }
}
