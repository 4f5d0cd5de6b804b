import ScalarMath

/// The dropout mask rule of every device (``Device/dropout(_:into:scale:rate:seed:counter:)``):
/// one key per call, `mix(seed ^ mix(counter + c))`, then element `i`'s uniform number
/// `u = top 24 bits of mix(key + i·φ) · 2^-24`, dropped when `u < rate`. Only `(key, i)`
/// decide an element, never threads or launch shapes. `Kernels/dropout.cl` evaluates the
/// per-element half in OpenCL C from the key made here (OpenCLTests compare the masks).
public enum DropoutMask {
    /// The key of one dropout call whose first element is element `firstElement` of the
    /// whole batch: element `i` of the call draws `mix(key + i·φ)`, which is element
    /// `firstElement + i`'s number of the call's key at 0 (the offset folds into the key,
    /// so the kernels need not know it).
    public static func key(seed: UInt64, counter: UInt64, firstElement: Int = 0) -> UInt64 {
        SplitMix64.mix(seed ^ SplitMix64.mix(counter &+ 0x5851_F42D_4C95_7F2D))
            &+ UInt64(truncatingIfNeeded: firstElement) &* SplitMix64.increment
    }

    /// Element `index`'s uniform number in `[0, 1)`.
    @inline(__always)
    public static func uniform(key: UInt64, index: Int) -> Float {
        SplitMix64.unitFloat(SplitMix64.mix(key &+ UInt64(index) &* SplitMix64.increment))
    }
}

extension Device {
    /// Dropout of a whole batch (``Device/dropout(_:into:scale:rate:seed:counter:firstElement:)``
    /// from element 0).
    public func dropout(_ x: DeviceTensor, into y: DeviceTensor, scale: DeviceTensor, rate: Float, seed: UInt64, counter: UInt64) {
        dropout(x, into: y, scale: scale, rate: rate, seed: seed, counter: counter, firstElement: 0)
    }
}
