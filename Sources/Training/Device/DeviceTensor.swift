/// A float32 array that lives on a ``Device``: the device owns the storage (host memory for
/// ``CPUDevice``, a buffer object for an accelerator) and only that device can read or
/// write it. Values are row-major in `shape`.
public final class DeviceTensor {
    /// The logical shape; `count` is its product.
    public let shape: [Int]
    public let count: Int
    /// The device's own storage object (for ``CPUDevice`` a `CPUStorage`).
    public let storage: AnyObject

    /// Wraps storage a device has allocated; only devices call this.
    public init(shape: [Int], storage: AnyObject) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
    }

    /// The tensor as a matrix of `rows × (count / rows)` (the whole tensor, contiguous).
    public func matrix(rows: Int) -> MatrixView {
        MatrixView(self, offset: 0, rows: rows, columns: rows == 0 ? 0 : count / rows, stride: rows == 0 ? 0 : count / rows)
    }

    /// The tensor as a matrix with its last axis as columns.
    public var matrix: MatrixView {
        let columns = shape.last ?? 1
        return matrix(rows: columns == 0 ? 0 : count / columns)
    }
}

/// A strided row-major matrix inside a ``DeviceTensor``: element `(i, j)` is at
/// `offset + i·stride + j`. Views describe slices (one time step of a sequence, a column
/// block of a concatenation) without copying.
public struct MatrixView {
    public let tensor: DeviceTensor
    public var offset: Int
    public var rows: Int
    public var columns: Int
    /// Distance between the starts of consecutive rows (the BLAS leading dimension).
    public var stride: Int

    public init(_ tensor: DeviceTensor, offset: Int, rows: Int, columns: Int, stride: Int) {
        precondition(rows == 0 || offset + (rows - 1) * stride + columns <= tensor.count,
                     "MatrixView: \(rows)×\(columns) at offset \(offset), stride \(stride) exceeds \(tensor.count) elements")
        self.tensor = tensor
        self.offset = offset
        self.rows = rows
        self.columns = columns
        self.stride = stride
    }

    /// Columns `start ..< start + width` of every row.
    public func columns(_ start: Int, _ width: Int) -> MatrixView {
        MatrixView(tensor, offset: offset + start, rows: rows, columns: width, stride: stride)
    }
}

extension MatrixView {
    /// The `(m, n, k)` of `c = op(a) · op(b)`, where `op` transposes when asked; a programmer
    /// error (precondition) when the shapes do not fit. Every device's `gemm` checks this.
    public static func productShape(_ a: MatrixView, transposeA: Bool, _ b: MatrixView, transposeB: Bool,
                                    into c: MatrixView) -> (m: Int, n: Int, k: Int) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        precondition((transposeB ? b.columns : b.rows) == k && c.rows == m && c.columns == n,
                     "gemm: \(m)×\(k) · \(transposeB ? b.columns : b.rows)×\(n) into \(c.rows)×\(c.columns)")
        return (m, n, k)
    }
}
