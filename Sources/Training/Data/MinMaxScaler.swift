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
        precondition(features > 0 && values.count % features == 0, "values hold whole rows")
        var low = [Float](repeating: .infinity, count: features)
        var high = [Float](repeating: -.infinity, count: features)
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
        for j in 0..<features where low[j] > high[j] {
            (low[j], high[j]) = (0, 1)
        }
        return MinMaxScaler(minimum: low, maximum: high)
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
