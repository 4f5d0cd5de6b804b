import CBLAS

// Every call into the C BLAS lives in this file.

/// `C[m×n] = A[m×k] · B[k×n] + beta·C`, all row-major float32, with leading dimensions.
@inline(__always)
func sgemm(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans,
        blasint(m), blasint(n), blasint(k),
        1, a, blasint(lda), b, blasint(ldb),
        beta, c, blasint(ldc))
}
