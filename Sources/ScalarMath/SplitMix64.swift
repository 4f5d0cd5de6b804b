/// A small, fast, seeded pseudo-random generator (Steele, Lea and Flood's SplitMix64), and
/// its finalizer as a counter-based hash.
///
/// The generator makes the deterministic weights of the example graphs and the training
/// initializers; the finalizer (``mix(_:)``) makes dropout masks and derived seeds. The same
/// seed gives the same sequence on every platform. `Kernels/dropout.cl` repeats the
/// finalizer in OpenCL C (OpenCLTests check its masks against the CPU device's).
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    /// The golden-ratio increment φ·2^64 between states.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// SplitMix64's finalizer over `value + φ`: the output of a generator in state `value`.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ increment
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `[0, 1)` from the top 24 bits of `bits`, exact in `Float`.
    @inlinable @inline(__always)
    public static func unitFloat(_ bits: UInt64) -> Float {
        Float(bits >> 40) * 0x1p-24
    }

    public mutating func next() -> UInt64 {
        defer { state &+= Self.increment }
        return Self.mix(state)
    }

    /// A uniform value in `[0, 1)` from the top 24 bits, exact in `Float`.
    public mutating func nextUnitFloat() -> Float {
        Self.unitFloat(next())
    }

    /// A uniform value in `[-limit, limit)`.
    public mutating func nextFloat(limit: Float) -> Float {
        (nextUnitFloat() * 2 - 1) * limit
    }
}
