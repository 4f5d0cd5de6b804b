import FixedPoint

/// The SIMD dense kernel: the same arithmetic as ``FixedDense/accumulate(_:stride:output:)``
/// on `Int32` lanes of eight events, chosen at init only where it is exact:
///
/// - inputs, weights, every product `w·x`, the accumulator and the result fit `Int32`;
/// - each product's conversion to the accumulator is a TRN/RND right shift or an exact left
///   shift, and its overflow either cannot happen, is a clamp, or is a wrap (WRAP is
///   modular, so it may be deferred to the end of the sum: the low bits of a sum depend only
///   on the low bits of its terms, and `Int32` wrapping arithmetic keeps the low 32);
/// - for other overflow modes the exact sum is bounded below 2^31, so the `Int32` sum is exact;
/// - a fused relu or linear activation is done the same way; other activations run generically
///   on the accumulator values the kernel leaves.
struct FastDense: Sendable {
    let inFeatures: Int
    let outFeatures: Int
    /// Weights `[out][in]` (each output's column contiguous).
    let weights: [Int32]
    /// The same weights as `Int16`, when they and the inputs fit 16 bits.
    let narrowWeights: [Int16]?
    let bias: [Int32]
    let product: LaneConversion
    /// The conversion of the exact sum to the accumulator (overflow only).
    let sum: LaneOverflow
    /// The fused activation's conversion to the result, when the kernel applies it.
    let result: LaneConversion?
    let relu: Bool

    var appliesActivation: Bool { result != nil }

    init?(
        weights w: [Int64], bias b: [Int64], inFeatures: Int, outFeatures: Int, input: FixedFormat,
        weight: FixedFormat, accumulator a: FixedFormat, activation: FixedActivation
    ) {
        guard input.fitsInt32, a.fitsInt32, inFeatures > 0 else { return nil }
        let maxWeight = w.map(\.magnitude).max() ?? 0
        let (maxProduct, overflow) = maxWeight.multipliedReportingOverflow(by: input.maxMagnitude)
        guard !overflow, maxProduct <= UInt64(Int32.max) else { return nil }
        let p = Int64(maxProduct)
        guard let product = LaneConversion(
            from: weight.fractionalBits + input.fractionalBits, range: -p...p, to: a) else { return nil }
        // The exact sum's range: inFeatures converted products plus the bias.
        let terms = product.resultRange
        let low = Int64(inFeatures) * terms.lowerBound + a.minRaw
        let high = Int64(inFeatures) * terms.upperBound + a.maxRaw
        let sum: LaneOverflow
        if a.overflow == .wrap {
            // Everything is modulo 2^width: wrapping Int32 sums keep the low 32 bits exact.
            guard let wrap = LaneOverflow(a, range: Int64.min...Int64.max) else { return nil }
            sum = wrap
        } else {
            guard low >= Int64(Int32.min), high <= Int64(Int32.max),
                  let overflow = LaneOverflow(a, range: low...high) else { return nil }
            sum = overflow
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        var transposed = [Int32](repeating: 0, count: w.count)
        for i in 0..<inFeatures {
            for j in 0..<outFeatures { transposed[j * inFeatures + i] = Int32(w[i * outFeatures + j]) }
        }
        weights = transposed
        let narrow = input.minRaw >= Int64(Int16.min) && input.maxRaw <= Int64(Int16.max)
            && maxWeight <= UInt64(Int16.max)
        narrowWeights = narrow ? transposed.map { Int16($0) } : nil
        bias = b.map { Int32($0) }
        self.product = product
        self.sum = sum
        switch activation.kind {
        case .linear:
            relu = false
            result = LaneConversion(from: a.fractionalBits, range: a.rawRange, to: activation.output)
        case .relu:
            relu = true
            result = LaneConversion(from: a.fractionalBits, range: 0...a.maxRaw, to: activation.output)
        case .leakyRelu, .hardSigmoid, .table, .softmax:
            relu = false
            result = nil
        }
    }

    /// Evaluates a feature-major block (`x[i·stride + e]` → `y[j·stride + e]`) for `n`
    /// events, rounded up to whole lanes (the block's padding absorbs the extra lanes).
    /// Inputs and weights are held as `Int16` when they fit, which lets the compiler use
    /// 16-bit multiplies giving 32-bit products.
    func evaluate(
        _ x: UnsafePointer<Int64>, into y: UnsafeMutablePointer<Int64>, count n: Int, stride: Int,
        scratch: UnsafeMutablePointer<Int32>
    ) {
        if let narrowWeights {
            evaluate(x, y, n, stride, UnsafeMutableRawPointer(scratch), narrowWeights)
        } else {
            evaluate(x, y, n, stride, UnsafeMutableRawPointer(scratch), weights)
        }
    }

    @inline(__always)
    private func evaluate<Scalar: LaneScalar>(
        _ x: UnsafePointer<Int64>, _ y: UnsafeMutablePointer<Int64>, _ n: Int, _ stride: Int,
        _ scratch: UnsafeMutableRawPointer, _ w: [Scalar]
    ) {
        let padded = (n + 7) / 8 * 8
        let size = MemoryLayout<Scalar>.size
        for i in 0..<inFeatures {
            let source = x + i * stride
            let target = scratch + i * stride * size
            for e in 0..<padded {
                target.storeBytes(of: Scalar(truncatingIfNeeded: source[e]), toByteOffset: e * size, as: Scalar.self)
            }
        }
        w.withUnsafeBufferPointer { w in
            guard let w = w.baseAddress else { return }
            if product.right > 0, product.round == 0, product.overflow.isModular || isNone(product.overflow) {
                run(ShiftRight(shift: product.right), scratch, w, y, padded, stride)
            } else if product.right == 0, product.left == 0, isNone(product.overflow) {
                run(Exact(), scratch, w, y, padded, stride)
            } else {
                run(General(conversion: product), scratch, w, y, padded, stride)
            }
        }
    }

    private func isNone(_ overflow: LaneOverflow) -> Bool {
        if case .none = overflow { true } else { false }
    }

    @inline(__always)
    private func run<Rule: ProductRule, Scalar: LaneScalar>(
        _ rule: Rule, _ x: UnsafeMutableRawPointer, _ w: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Int64>,
        _ padded: Int, _ stride: Int
    ) {
        let rowBytes = stride * MemoryLayout<Scalar>.size
        let laneBytes = 8 * MemoryLayout<Scalar>.size
        for j in 0..<outFeatures {
            let wj = w + j * inFeatures
            let b = Lane(repeating: bias[j])
            let yj = y + j * stride
            var v = 0
            while v + 32 <= padded {
                var a0 = b, a1 = b, a2 = b, a3 = b
                var xp = UnsafeRawPointer(x + v * MemoryLayout<Scalar>.size)
                for i in 0..<inFeatures {
                    let wi = Lane(repeating: Int32(truncatingIfNeeded: wj[i]))
                    a0 &+= rule(wi &* Scalar.lane(xp))
                    a1 &+= rule(wi &* Scalar.lane(xp + laneBytes))
                    a2 &+= rule(wi &* Scalar.lane(xp + 2 * laneBytes))
                    a3 &+= rule(wi &* Scalar.lane(xp + 3 * laneBytes))
                    xp += rowBytes
                }
                store(a0, yj + v)
                store(a1, yj + v + 8)
                store(a2, yj + v + 16)
                store(a3, yj + v + 24)
                v += 32
            }
            while v < padded {
                var a0 = b
                var xp = UnsafeRawPointer(x + v * MemoryLayout<Scalar>.size)
                for i in 0..<inFeatures {
                    a0 &+= rule(Lane(repeating: Int32(truncatingIfNeeded: wj[i])) &* Scalar.lane(xp))
                    xp += rowBytes
                }
                store(a0, yj + v)
                v += 8
            }
        }
    }

    /// Finishes eight sums (overflow to the accumulator, then relu/linear to the result)
    /// and stores them as `Int64`.
    @inline(__always)
    private func store(_ s: Lane, _ target: UnsafeMutablePointer<Int64>) {
        var a = sum.apply(s)
        if let result {
            if relu { a &= ~(a &>> 31) }  // max(a, 0)
            a = result.apply(a)
        }
        UnsafeMutableRawPointer(target).storeBytes(of: SIMD8<Int64>(truncatingIfNeeded: a), as: SIMD8<Int64>.self)
    }
}

/// A type the kernel keeps inputs and weights in, and how eight of them load as a lane.
protocol LaneScalar: FixedWidthInteger {
    static func lane(_ p: UnsafeRawPointer) -> Lane
}

extension Int32: LaneScalar {
    @inline(__always) static func lane(_ p: UnsafeRawPointer) -> Lane { p.loadUnaligned(as: Lane.self) }
}

extension Int16: LaneScalar {
    @inline(__always) static func lane(_ p: UnsafeRawPointer) -> Lane {
        Lane(truncatingIfNeeded: p.loadUnaligned(as: SIMD8<Int16>.self))
    }
}

/// The conversion of eight products to the accumulator, specialised per case.
protocol ProductRule {
    func callAsFunction(_ p: Lane) -> Lane
}

/// TRN right shift whose overflow is deferred (WRAP) or impossible.
private struct ShiftRight: ProductRule {
    /// A scalar count, so the compiler sees one shift for all lanes.
    let shift: Int32
    @inline(__always) func callAsFunction(_ p: Lane) -> Lane { p &>> shift }
}

/// The product is already in the accumulator's scale and range.
private struct Exact: ProductRule {
    @inline(__always) func callAsFunction(_ p: Lane) -> Lane { p }
}

/// Any conversion ``LaneConversion`` can do.
private struct General: ProductRule {
    let conversion: LaneConversion
    @inline(__always) func callAsFunction(_ p: Lane) -> Lane { conversion.apply(p) }
}
