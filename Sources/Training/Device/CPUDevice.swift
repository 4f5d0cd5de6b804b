import Foundation
import GraphIR
import ScalarMath

/// Host memory for ``CPUDevice`` tensors.
public final class CPUStorage {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    deinit { pointer.deallocate() }
}

/// The CPU device: tensors in host memory, matrix products by OpenBLAS `sgemm`, everything
/// else in plain loops written to be deterministic (fixed summation order).
///
/// OpenBLAS's `sgemm` gives the same bits for a fixed thread count; ``init(blasThreads:)``
/// sets that count for the whole process (default 1: the training matrices are small, and
/// one thread also makes results independent of the machine's core count).
public final class CPUDevice: Device {
    public let name = "cpu"

    /// OpenBLAS and plain loops have no failure state.
    public func checkHealth() throws(TrainingError) {}

    /// A CPU device; `blasThreads` (when given) is passed to `openblas_set_num_threads`.
    public init(blasThreads: Int? = 1) {
        if let blasThreads { CPUBLAS.setThreads(blasThreads) }
    }

    @inline(__always)
    func pointer(_ tensor: DeviceTensor) -> UnsafeMutablePointer<Float> {
        guard let storage = tensor.storage as? CPUStorage else {
            preconditionFailure("CPUDevice: tensor of shape \(tensor.shape) belongs to another device")
        }
        return storage.pointer
    }

    @inline(__always)
    func pointer(_ view: MatrixView) -> UnsafeMutablePointer<Float> {
        pointer(view.tensor) + view.offset
    }

    public func makeTensor(shape: [Int]) -> DeviceTensor {
        DeviceTensor(shape: shape, storage: CPUStorage(count: shape.reduce(1, *)))
    }

    public func write(_ values: UnsafeBufferPointer<Float>, to tensor: DeviceTensor, at offset: Int) {
        precondition(offset + values.count <= tensor.count, "write: \(values.count) values at \(offset) overflow \(tensor.count)")
        guard let base = values.baseAddress else { return }
        (pointer(tensor) + offset).update(from: base, count: values.count)
    }

    public func read(_ tensor: DeviceTensor) -> [Float] {
        Array(UnsafeBufferPointer(start: pointer(tensor), count: tensor.count))
    }

    public func fill(_ tensor: DeviceTensor, with value: Float) {
        pointer(tensor).update(repeating: value, count: tensor.count)
    }

    public func copy(_ source: MatrixView, to destination: MatrixView) {
        precondition(source.rows == destination.rows && source.columns == destination.columns, "copy: shapes differ")
        let s = pointer(source), d = pointer(destination)
        if source.stride == source.columns && destination.stride == destination.columns {
            d.update(from: s, count: source.rows * source.columns)
            return
        }
        for i in 0..<source.rows {
            (d + i * destination.stride).update(from: s + i * source.stride, count: source.columns)
        }
    }

    public func add(_ source: MatrixView, to destination: MatrixView) {
        precondition(source.rows == destination.rows && source.columns == destination.columns, "add: shapes differ")
        let s = pointer(source), d = pointer(destination)
        for i in 0..<source.rows {
            let si = s + i * source.stride, di = d + i * destination.stride
            for j in 0..<source.columns { di[j] += si[j] }
        }
    }

    public func multiply(_ destination: MatrixView, by factors: MatrixView) {
        precondition(factors.rows == destination.rows && factors.columns == destination.columns, "multiply: shapes differ")
        let f = pointer(factors), d = pointer(destination)
        for i in 0..<destination.rows {
            let fi = f + i * factors.stride, di = d + i * destination.stride
            for j in 0..<destination.columns { di[j] *= fi[j] }
        }
    }

    public func gemm(_ a: MatrixView, transposeA: Bool, _ b: MatrixView, transposeB: Bool,
                     into c: MatrixView, alpha: Float, beta: Float) {
        let (m, n, k) = MatrixView.productShape(a, transposeA: transposeA, b, transposeB: transposeB, into: c)
        if k == 0 {
            for i in 0..<m { for j in 0..<n { pointer(c)[i * c.stride + j] *= beta } }
            return
        }
        CPUBLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: pointer(a), lda: a.stride, b: pointer(b), ldb: b.stride,
                      beta: beta, c: pointer(c), ldc: c.stride)
    }

    public func broadcastRows(_ vector: DeviceTensor, offset: Int, into c: MatrixView) {
        let v = pointer(vector) + offset, d = pointer(c)
        for i in 0..<c.rows { (d + i * c.stride).update(from: v, count: c.columns) }
    }

    public func sumRows(_ x: MatrixView, into vector: DeviceTensor, offset: Int, accumulate: Bool) {
        let v = pointer(vector) + offset, s = pointer(x)
        if !accumulate { v.update(repeating: 0, count: x.columns) }
        for i in 0..<x.rows {
            let row = s + i * x.stride
            for j in 0..<x.columns { v[j] += row[j] }
        }
    }

    public func activate(_ function: ActivationFunction, _ x: MatrixView, into y: MatrixView) {
        let s = pointer(x), d = pointer(y)
        for i in 0..<x.rows {
            let xi = s + i * x.stride, yi = d + i * y.stride
            if case .softmax = function {
                yi.update(from: xi, count: x.columns)
                ActivationMath.softmax(yi, count: x.columns)
            } else {
                for j in 0..<x.columns { yi[j] = function.floatValue(xi[j]) }
            }
        }
    }

    public func activationGradient(_ function: ActivationFunction, output y: DeviceTensor,
                                   gradient dy: DeviceTensor, into dx: DeviceTensor) {
        let o = pointer(y), g = pointer(dy), d = pointer(dx)
        for i in 0..<y.count { d[i] = g[i] * CPUMath.derivative(function, output: o[i]) }
    }

    public func softmaxGradient(output y: MatrixView, gradient dy: MatrixView, into dx: MatrixView) {
        let o = pointer(y), g = pointer(dy), d = pointer(dx)
        for i in 0..<y.rows {
            let oi = o + i * y.stride, gi = g + i * dy.stride, di = d + i * dx.stride
            var dot: Float = 0
            for j in 0..<y.columns { dot += gi[j] * oi[j] }
            for j in 0..<y.columns { di[j] = oi[j] * (gi[j] - dot) }
        }
    }

    public func multiply(_ a: DeviceTensor, _ b: DeviceTensor, into c: DeviceTensor) {
        let x = pointer(a), y = pointer(b), z = pointer(c)
        for i in 0..<a.count { z[i] = x[i] * y[i] }
    }

    public func dropout(_ x: DeviceTensor, into y: DeviceTensor, scale: DeviceTensor, rate: Float,
                        seed: UInt64, counter: UInt64, firstElement: Int) {
        let s = pointer(x), d = pointer(y), m = pointer(scale)
        let keep = 1 / (1 - rate)
        let key = DropoutMask.key(seed: seed, counter: counter, firstElement: firstElement)
        for i in 0..<x.count {
            let u = DropoutMask.uniform(key: key, index: i)
            m[i] = u < rate ? 0 : keep
            d[i] = s[i] * m[i]
        }
    }

    public func sequenceMask(_ x: DeviceTensor, value: Float, features: Int, into mask: DeviceTensor) {
        let s = pointer(x), m = pointer(mask)
        for step in 0..<mask.count {
            var valid: Float = 0
            for f in 0..<features where s[step * features + f] != value { valid = 1; break }
            m[step] = valid
        }
    }

    public func softmaxCrossEntropy(probabilities: MatrixView, labels: MatrixView, logitGradient: MatrixView,
                                    classWeights: [Float]?) -> (lossSum: Double, correct: Int) {
        let p = pointer(probabilities), y = pointer(labels), g = pointer(logitGradient)
        let n = probabilities.rows, classes = probabilities.columns
        let inverse = 1 / Float(max(1, n))
        var loss = 0.0
        var correct = 0
        for i in 0..<n {
            let pi = p + i * probabilities.stride, yi = y + i * labels.stride, gi = g + i * logitGradient.stride
            var best = 0, label = 0
            var rowLoss = 0.0
            for j in 0..<classes {
                let clipped = min(max(pi[j], 1e-7), 1 - 1e-7)
                if yi[j] != 0 { rowLoss -= Double(yi[j]) * Double(Foundation.log(clipped)) }
                gi[j] = (pi[j] - yi[j]) * inverse
                if pi[j] > pi[best] { best = j }
                if yi[j] > yi[label] { label = j }
            }
            if let classWeights {
                // The row's loss and gradient weighted by its class (as loss.cl does).
                let w = classWeights[label]
                rowLoss *= Double(w)
                for j in 0..<classes { gi[j] *= w }
            }
            loss += rowLoss
            if best == label { correct += 1 }
        }
        return (loss, correct)
    }
}

/// The activations' derivatives of the CPU kernels (`common.cl`'s `derivative` is the
/// OpenCL formulation, checked against this by OpenCLTests).
enum CPUMath {
    /// `f'(x)` from `y = f(x)`.
    @inline(__always)
    static func derivative(_ function: ActivationFunction, output y: Float) -> Float {
        switch function {
        case .linear, .softmax: 1
        case .relu: y > 0 ? 1 : 0
        case let .leakyRelu(alpha): y < 0 ? alpha : 1
        case .tanh: 1 - y * y
        case .sigmoid: y * (1 - y)
        case let .hardSigmoid(slope, _): y > 0 && y < 1 ? slope : 0
        }
    }
}
