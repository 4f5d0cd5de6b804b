import CKernels
import FixedPoint
import GraphIR

extension FixedProgram {
    func evaluate(start: Int, count n: Int, inputs: [UnsafePointer<Float>], workspace ws: FixedWorkspace) {
        let stride = ws.blockSize
        for (position, step) in steps.enumerated() {
            let layout = layouts[position]
            let r = formats[position]
            let y = ws.values[position]
            let x = UnsafePointer(ws.values[layout.inputs.first ?? position])
            let size = layout.size
            switch step {
            case let .input(slot, quantizer):
                quantizer.quantize(inputs[slot] + start * size, size: size, count: n, into: y, stride: stride)
            case let .dense(dense):
                dense.evaluate(x, into: y, rows: size / dense.outFeatures, count: n, stride: stride,
                               scratch: ws.lanes)
            case let .activation(activation):
                activation.apply(x, into: y, size: size, rowLength: layout.lastAxis, count: n, stride: stride)
            case let .masking(code, from):
                convert(x, from: from, into: y, to: r, size: size, count: n, stride: stride)
                if let mask = ws.masks[position] {
                    let steps = layout.timeSteps
                    Self.paddingMask(x, stride: stride, count: n, steps: steps, features: size / steps, code: code, into: mask)
                }
            case let .gru(gru):
                let mask = layouts[layout.inputs[0]].maskSource.flatMap { ws.masks[$0] }
                if let plan = gru.block {
                    gru.evaluateBlock(x, stride: stride, count: n, mask: mask.map { UnsafePointer($0) }, plan: plan, into: y)
                    continue
                }
                for e in 0..<n {
                    gru.evaluate(x + e, stride: stride, mask: mask.map { UnsafePointer($0 + e * gru.timeSteps) },
                                 scratch: ws.scratch, into: y + e)
                }
            case let .concatenate(outer, inner, from):
                var offset = 0
                let run = size / max(1, outer)
                for (k, input) in layout.inputs.enumerated() {
                    let source = ws.values[input]
                    for o in 0..<outer {
                        for i in 0..<inner[k] {
                            let s = source + (o * inner[k] + i) * stride
                            let d = y + (o * run + offset + i) * stride
                            for e in 0..<n { d[e] = r.convert(raw: s[e], from: from[k]) }
                        }
                    }
                    offset += inner[k]
                }
            case let .convert(from):
                convert(x, from: from, into: y, to: r, size: size, count: n, stride: stride)
            case let .affine(scale, shift, productBits, a):
                let channels = scale.count
                for k in 0..<size {
                    let c = k % channels
                    let xs = x + k * stride
                    let ys = y + k * stride
                    for e in 0..<n {
                        let s = a.convert(raw: xs[e] * scale[c], fractionalBits: productBits) + shift[c]
                        ys[e] = r.convert(raw: a.convert(raw: s, fractionalBits: a.fractionalBits), from: a)
                    }
                }
            case .argmax:
                let inputSize = layouts[layout.inputs[0]].size
                for e in 0..<n {
                    var best = 0
                    for i in 1..<max(1, inputSize) where x[i * stride + e] > x[best * stride + e] { best = i }
                    y[e] = r.quantize(Double(best))
                }
            }
        }
    }

    private func convert(
        _ x: UnsafePointer<Int64>, from: FixedFormat, into y: UnsafeMutablePointer<Int64>, to r: FixedFormat,
        size: Int, count n: Int, stride: Int
    ) {
        for k in 0..<size {
            let xs = x + k * stride
            let ys = y + k * stride
            if from == r {
                ys.update(from: xs, count: n)
            } else {
                for e in 0..<n { ys[e] = r.convert(raw: xs[e], from: from) }
            }
        }
    }
}

/// `R.quantize(Float)`, with a fast route for TRN/RND with WRAP/SAT that gives the same
/// codes: `x·2^F` is exact in `Double`, its floor comes from truncation plus a correction,
/// and the overflow is a wrap or clamp of that integer.
extension FixedProgram {
    /// The masking rule on events `0..<n` of a feature-major block
    /// (`x[(t·features + f)·stride + e]`): `mask[e·steps + t]` is 1 when every feature of step
    /// `t` equals the padding `code` (the step is padding), else 0. Feature rows are read
    /// whole (events are contiguous in a row).
    static func paddingMask(
        _ x: UnsafePointer<Int64>, stride: Int, count n: Int, steps: Int, features: Int, code: Int64,
        into mask: UnsafeMutablePointer<UInt8>
    ) {
        for t in 0..<steps {
            for e in 0..<n { mask[e * steps + t] = 1 }
            for f in 0..<features {
                let row = x + (t * features + f) * stride
                for e in 0..<n where row[e] != code { mask[e * steps + t] = 0 }
            }
        }
    }
}

struct InputQuantizer: Sendable {
    let format: FixedFormat
    let fast: Bool
    let scale: Double
    let half: Double

    init(_ format: FixedFormat, fast: Bool) {
        self.format = format
        let supported = (format.quantization == .trn || format.quantization == .rnd)
            && (format.overflow == .wrap || format.overflow == .sat)
        self.fast = fast && supported
        scale = Double(sign: .plus, exponent: format.fractionalBits, significand: 1)
        half = format.quantization == .rnd ? 0.5 : 0
    }

    /// `y[k·stride + e] = quantize(x[e·size + k])`: in C (vectorized) for the fast formats,
    /// with this type's rule for a block that holds NaN, an infinity or a huge value.
    func quantize(_ x: UnsafePointer<Float>, size: Int, count n: Int, into y: UnsafeMutablePointer<Int64>, stride: Int) {
        if fast && format.isSigned {
            var q = trigc_quantizer(
                scale: scale, half: half, lo: format.minRaw, hi: format.maxRaw,
                saturate: format.overflow == .sat ? 1 : 0, unused: Int32(64 - format.width))
            if trigc_quantize_lanes(&q, x, size, Int32(n), Int32(size), y, stride) != 0 { return }
        }
        for k in 0..<size {
            let column = y + k * stride
            for e in 0..<n { column[e] = quantize(x[e * size + k]) }
        }
    }

    @inline(__always)
    func quantize(_ x: Float) -> Int64 {
        guard fast else { return format.quantize(x) }
        // Exact: a Float has 24 significant bits, and adding 0.5 below 2^52 is exact.
        let t = Double(x) * scale + half
        guard t.magnitude < 0x1p52 else { return format.quantize(x) }
        var i = Int64(t)  // toward zero
        if Double(i) > t { i -= 1 }  // floor
        if format.overflow == .sat {
            return min(max(i, format.minRaw), format.maxRaw)
        }
        let unused = Int64(64 - format.width)
        if format.isSigned { return (i &<< unused) &>> unused }
        return Int64(bitPattern: (UInt64(bitPattern: i) &<< UInt64(unused)) &>> UInt64(unused))
    }
}
