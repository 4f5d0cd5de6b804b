import Foundation
import GraphIR

/// The seeded random source of the event generator: SplitMix64 with the few distributions
/// the physics needs. The same seed gives the same events on every platform.
struct EventRandom {
    var base: SplitMix64
    /// The second value of the last polar pair, when one is waiting.
    private var spare: Double?

    init(seed: UInt64) {
        base = SplitMix64(seed: seed)
    }

    /// A uniform value in `[0, 1)` with 53 random bits.
    mutating func unit() -> Double {
        Double(base.next() >> 11) * 0x1p-53
    }

    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * unit()
    }

    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A normal value with this mean and spread (Marsaglia's polar method; values come
    /// in pairs, the second kept for the next call).
    mutating func normal(_ mean: Double = 0, _ sigma: Double = 1) -> Double {
        if let z = spare {
            spare = nil
            return mean + sigma * z
        }
        while true {
            let u = 2 * unit() - 1
            let v = 2 * unit() - 1
            let s = u * u + v * v
            guard s > 0, s < 1 else { continue }
            let factor = (-2 * log(s) / s).squareRoot()
            spare = v * factor
            return mean + sigma * u * factor
        }
    }

    /// An exponential value with this mean.
    mutating func exponential(_ mean: Double) -> Double {
        -mean * log(1 - unit())
    }

    /// A Poisson count (Knuth's method; means here are small).
    mutating func poisson(_ mean: Double) -> Int {
        let limit = exp(-mean)
        var product = unit()
        var count = 0
        while product > limit, count < 1000 {
            product *= unit()
            count += 1
        }
        return count
    }

    /// An index drawn with the given (unnormalized) weights.
    mutating func pick(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    /// One of three outcomes with probabilities `a`, `b` and `1 − a − b`.
    mutating func pick3(_ a: Double, _ b: Double) -> Int {
        let x = unit()
        return x < a ? 0 : (x < a + b ? 1 : 2)
    }

    /// A Breit–Wigner mass clipped to `[low, high]`.
    mutating func breitWigner(_ mass: Double, _ width: Double, _ low: Double, _ high: Double) -> Double {
        for _ in 0..<16 {
            let m = mass + width / 2 * tan(Double.pi * (unit() - 0.5))
            if m >= low, m <= high { return m }
        }
        return mass
    }
}
