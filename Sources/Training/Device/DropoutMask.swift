import ScalarMath

/// The dropout mask rule of every device (``Device/dropout(_:into:scale:rate:seed:counter:)``):
/// one key per call, `mix(seed ^ mix(counter + c))`, then element `i`'s uniform number
/// `u = top 24 bits of mix(key + i·φ) · 2^-24`, dropped when `u < rate`. Only `(key, i)`
/// decide an element, never threads or launch shapes. `Kernels/dropout.cl` evaluates the
/// per-element half in OpenCL C from the key made here (OpenCLTests compare the masks).
public enum DropoutMask {
    /// The key of one dropout call.
    public static func key(seed: UInt64, counter: UInt64) -> UInt64 {
        SplitMix64.mix(seed ^ SplitMix64.mix(counter &+ 0x5851_F42D_4C95_7F2D))
    }

    /// Element `index`'s uniform number in `[0, 1)`.
    @inline(__always)
    public static func uniform(key: UInt64, index: Int) -> Float {
        SplitMix64.unitFloat(SplitMix64.mix(key &+ UInt64(index) &* SplitMix64.increment))
    }
}
