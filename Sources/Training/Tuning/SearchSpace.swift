import Foundation
import GraphIR

/// A hyper-parameter `trigc tune` varies, with the `trigc train` option it sets.
public enum Hyperparameter: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case lr, batch, units, dropout, epochs

    /// The `trigc train` option.
    public var option: String { self == .lr ? "--lr" : "--\(rawValue)" }
    var isInteger: Bool { self == .batch || self == .units || self == .epochs }
    /// The values a value must lie in (what `trigc train` accepts).
    var bounds: ClosedRange<Double> {
        switch self {
        case .lr: 1e-7...10
        case .batch: 1...Double(TrainLimits.maxBatch)
        case .units: 1...Double(TrainLimits.maxUnits)
        case .dropout: Double(TrainLimits.dropout.lowerBound)...Double(TrainLimits.dropout.upperBound)
        case .epochs: 1...Double(TrainLimits.maxEpochs)
        }
    }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }

    /// A value as `trigc train` reads it and as tables print it (integers without a point).
    func text(_ value: Double) -> String { isInteger ? String(Int(value)) : "\(value)" }
}

/// One trial: a value for each varied hyper-parameter.
public struct Trial: Codable, Sendable, Equatable {
    /// 1-based, in the order trials are listed.
    public var number: Int
    public var values: [Hyperparameter: Double]

    /// The trial's run directory name inside the search's folder.
    public var directoryName: String { "trial-" + String(repeating: "0", count: max(0, 3 - String(number).count)) + String(number) }
    /// `trigc train` options setting the values, in a fixed order.
    public var trainArguments: [String] {
        values.keys.sorted().flatMap { [$0.option, $0.text(values[$0] ?? 0)] }
    }
    /// `lr=0.001 units=50`.
    public var summary: String { values.keys.sorted().map { "\($0.rawValue)=\($0.text(values[$0] ?? 0))" }.joined(separator: " ") }
}

/// What `trigc tune` searches: a grid (every combination, in the order written) or `count`
/// random points drawn from ranges with a seeded generator (the same seed, the same trials).
public enum SearchSpace: Codable, Sendable, Equatable {
    /// Values per parameter, in the order written.
    case grid(values: [Hyperparameter: [Double]])
    /// Ranges per parameter: a list of choices, or `low:high` (drawn log-uniformly for the
    /// learning rate, uniformly otherwise; integers rounded).
    case random(count: Int, ranges: [Hyperparameter: Range], seed: UInt64)

    public enum Range: Codable, Sendable, Equatable {
        case choices(values: [Double])
        case interval(low: Double, high: Double)
    }

    /// Defaults for `--random` without `--ranges`: the study's neighbourhood (units and
    /// dropout only for models with a GRU).
    public static func defaultRanges(recurrent: Bool) -> [Hyperparameter: Range] {
        var ranges: [Hyperparameter: Range] = [.lr: .interval(low: 1e-4, high: 1e-2), .batch: .choices(values: [64, 128, 256])]
        if recurrent {
            ranges[.units] = .interval(low: 16, high: 100)
            ranges[.dropout] = .interval(low: 0, high: 0.5)
        }
        return ranges
    }

    /// Reads `lr=1e-3,3e-3;units=25,50` (a grid) or, with `ranges`, `lr=1e-4:1e-2;batch=64,128`.
    public static func parse(_ text: String, ranges: Bool) throws(TuningError) -> [Hyperparameter: [String]] {
        var result: [Hyperparameter: [String]] = [:]
        for part in text.split(separator: ";", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, let name = Hyperparameter(rawValue: pieces[0]) else {
                throw .badSpec("'\(part)' is not NAME=VALUES with NAME one of \(Hyperparameter.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard result[name] == nil else { throw .badSpec("\(name.rawValue) is given twice") }
            let values = pieces[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !values.isEmpty, values.allSatisfy({ !$0.isEmpty }) else { throw .badSpec("\(name.rawValue) has no values") }
            result[name] = values
        }
        guard !result.isEmpty else { throw .badSpec("'\(text)' names no parameter") }
        return result
    }

    /// A grid from `lr=1e-3,3e-3;units=25,50`.
    public static func grid(_ text: String) throws(TuningError) -> SearchSpace {
        var grid: [Hyperparameter: [Double]] = [:]
        for (name, values) in try parse(text, ranges: false) {
            let numbers = try values.map { value throws(TuningError) in try number(value, for: name) }
            if let repeated = numbers.first(where: { v in numbers.filter { $0 == v }.count > 1 }) {
                throw .badSpec("\(name.rawValue) lists \(name.text(repeated)) twice")
            }
            grid[name] = numbers
        }
        return .grid(values: grid)
    }

    /// Random points from `lr=1e-4:1e-2;batch=64,128` (nil: ``defaultRanges(recurrent:)``).
    public static func random(count: Int, ranges text: String?, seed: UInt64, recurrent: Bool) throws(TuningError) -> SearchSpace {
        guard count > 0, count <= 10_000 else { throw .badSpec("--random takes 1 to 10000 trials, not \(count)") }
        guard let text else { return .random(count: count, ranges: defaultRanges(recurrent: recurrent), seed: seed) }
        var ranges: [Hyperparameter: Range] = [:]
        for (name, values) in try parse(text, ranges: true) {
            if values.count == 1, values[0].contains(":") {
                let ends = values[0].split(separator: ":").map(String.init)
                guard ends.count == 2 else { throw .badSpec("\(name.rawValue)=\(values[0]) is not LOW:HIGH") }
                let (low, high) = (try number(ends[0], for: name), try number(ends[1], for: name))
                guard low < high else { throw .badSpec("\(name.rawValue)=\(values[0]): LOW must be below HIGH") }
                ranges[name] = .interval(low: low, high: high)
            } else {
                ranges[name] = .choices(values: try values.map { value throws(TuningError) in try number(value, for: name) })
            }
        }
        return .random(count: count, ranges: ranges, seed: seed)
    }

    static func number(_ text: String, for name: Hyperparameter) throws(TuningError) -> Double {
        guard let value = Double(text), value.isFinite, name.bounds.contains(value),
              !name.isInteger || value == value.rounded()
        else {
            let kind = name.isInteger ? "a whole number" : "a number"
            throw .badSpec("\(name.rawValue)=\(text) is not \(kind) from \(name.text(name.bounds.lowerBound)) to \(name.text(name.bounds.upperBound))")
        }
        return value
    }

    /// The parameters the search sets, in a fixed order.
    public var parameters: [Hyperparameter] {
        switch self {
        case let .grid(grid): grid.keys.sorted()
        case let .random(_, ranges, _): ranges.keys.sorted()
        }
    }

    /// Refuses a random search whose ranges hold fewer distinct points than it asks for.
    public func checkDistinct() throws(TuningError) {
        guard case let .random(count, _, _) = self else { return }
        let found = trials.count
        guard found == count else {
            throw .badSpec("the ranges hold \(found) distinct points, fewer than --random \(count)")
        }
    }

    /// Whether the search sets `parameter`.
    public func varies(_ parameter: Hyperparameter) -> Bool {
        switch self {
        case let .grid(grid): grid[parameter] != nil
        case let .random(_, ranges, _): ranges[parameter] != nil
        }
    }

    /// Every trial, numbered from 1.
    public var trials: [Trial] {
        switch self {
        case let .grid(grid):
            var points: [[Hyperparameter: Double]] = [[:]]
            for name in grid.keys.sorted() {
                points = points.flatMap { point in (grid[name] ?? []).map { point.merging([name: $0]) { $1 } } }
            }
            return points.enumerated().map { Trial(number: $0 + 1, values: $1) }
        case let .random(count, ranges, seed):
            // Distinct points: a draw equal to an earlier trial is drawn again (a bounded
            // number of times; ``checkDistinct()`` refuses spaces too small for `count`).
            var rng = SplitMix64(seed: seed)
            var trials: [Trial] = []
            var attempts = 0
            while trials.count < count, attempts < 100 * count {
                attempts += 1
                var values: [Hyperparameter: Double] = [:]
                for name in ranges.keys.sorted() {
                    values[name] = Self.draw(ranges[name] ?? .choices(values: []), for: name, rng: &rng)
                }
                if !trials.contains(where: { $0.values == values }) { trials.append(Trial(number: trials.count + 1, values: values)) }
            }
            return trials
        }
    }

    static func draw(_ range: Range, for name: Hyperparameter, rng: inout SplitMix64) -> Double {
        let u = Double(rng.next() >> 11) / Double(1 << 53)
        switch range {
        case let .choices(values):
            return values.isEmpty ? 0 : values[min(values.count - 1, Int(u * Double(values.count)))]
        case let .interval(low, high):
            // Integers: each of low...high equally likely.
            if name.isInteger { return min(high, low + (u * (high - low + 1)).rounded(.down)) }
            let value = name == .lr && low > 0 ? exp(log(low) + u * (log(high) - log(low))) : low + u * (high - low)
            return min(high, max(low, significant(value, digits: 3)))
        }
    }
}

/// `value` rounded to `digits` significant digits (a drawn rate reads 0.00136, not 0.0013586986701970116).
func significant(_ value: Double, digits: Int) -> Double {
    guard value != 0, value.isFinite else { return value }
    let scale = pow(10, Double(digits) - ceil(log10(abs(value))))
    return (value * scale).rounded() / scale
}

/// A search that cannot run as asked.
public enum TuningError: Error, Equatable, Sendable, CustomStringConvertible {
    case badSpec(String)
    case otherSearch(folder: String)
    case dataChanged(folder: String, data: String)
    case cannotWrite(path: String, reason: String)
    case noResults

    public var description: String {
        switch self {
        case let .badSpec(reason): "The search space is not valid: \(reason)."
        case let .otherSearch(folder): "\(folder) holds another search (its tune.json differs); choose another --out or pass --overwrite."
        case let .dataChanged(folder, data):
            "\(data) changed since the search in \(folder) started, so its trials would mix data; pass --overwrite to start the search again."
        case let .cannotWrite(path, reason): "\(path): cannot write (\(reason))."
        case .noResults: "No trial finished, so there is no best run."
        }
    }
}
