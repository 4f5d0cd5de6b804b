import CBLAS

// Every call into the C BLAS made by training lives in this file.

enum CPUBLAS {
    /// `C = alpha · op(A) · op(B) + beta · C`, row-major float32 with leading dimensions.
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(max(1, lda)), b, blasint(max(1, ldb)),
            beta, c, blasint(max(1, ldc)))
    }

    /// Sets OpenBLAS's worker-thread count for the whole process.
    static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// OpenBLAS's current worker-thread count.
    static var threads: Int { Int(openblas_get_num_threads()) }
}
