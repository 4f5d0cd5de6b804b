import GraphIR
import OpenCLBackend
import Testing
import Training

/// SGEMM against an exact (double) reference. Tolerance per element:
/// `4·√K·ε·Σ_k |α·a_ik·b_kj| + |β·c|·ε` with ε = 2⁻²⁴: the kernel sums K float products in
/// its own (tiled) order, whose rounding error grows like √K for random signs (K·ε·Σ|ab|
/// is the worst case); the factor 4 leaves room for that without admitting a wrong product.
@Suite struct SGEMMTests {
    struct Case: CustomStringConvertible, Sendable {
        var m, n, k: Int
        var transposeA, transposeB: Bool
        var alpha: Float = 1, beta: Float = 0
        var description: String { "\(m)x\(n)x\(k) \(transposeA ? "T" : "N")\(transposeB ? "T" : "N") α\(alpha) β\(beta)" }
    }

    static let cases: [Case] = [
        Case(m: 1, n: 1, k: 1, transposeA: false, transposeB: false),
        Case(m: 67, n: 45, k: 33, transposeA: false, transposeB: false),
        Case(m: 67, n: 45, k: 33, transposeA: true, transposeB: false, alpha: 0.5, beta: 1),
        Case(m: 67, n: 45, k: 33, transposeA: false, transposeB: true, beta: -2),
        Case(m: 67, n: 45, k: 33, transposeA: true, transposeB: true),
        Case(m: 130, n: 150, k: 70, transposeA: false, transposeB: false, alpha: 1, beta: 1),
        Case(m: 130, n: 150, k: 70, transposeA: true, transposeB: true, alpha: 2, beta: 0.5),
        Case(m: 128, n: 3, k: 10, transposeA: false, transposeB: false),
        Case(m: 14, n: 50, k: 128, transposeA: true, transposeB: false),
        Case(m: 5, n: 7, k: 0, transposeA: false, transposeB: false, beta: 0.5),
        // Several macro tiles and K slices of the packed CPU plan (128×128×256), with edges.
        Case(m: 261, n: 140, k: 530, transposeA: false, transposeB: false, alpha: 0.5, beta: 1),
        Case(m: 140, n: 261, k: 530, transposeA: true, transposeB: true, beta: -1),
    ]

    /// A packed plan with tiny blocks, so every case spans several macro tiles, K slices
    /// (beta applied once, later slices added) and zero-padded panel edges.
    static let tinyPacked = SGEMMPlan.packed(blockM: 16, blockN: 32, blockK: 8, microM: 4, microN: 16)

    /// Every case with each plan: small tiles (16×16, 1 output per item), large tiles (64×64,
    /// 4×4 per item), the direct kernel (8 rows per item), the packed CPU plan and a tiny
    /// packed plan.
    @Test(arguments: cases, [SGEMMPlan.small, .large, .direct, .cpu, tinyPacked])
    func matchesExactReference(_ c: Case, plan: SGEMMPlan) throws {
        let device = try openCL(OpenCLOptions(largeSGEMM: plan, smallProductLimit: 0))
        var values = Values(seed: UInt64(c.m * 1000 + c.n + c.k))
        // Stored shapes, with a padded leading dimension (+3) to exercise strides and offsets.
        let (ar, ac) = c.transposeA ? (c.k, c.m) : (c.m, c.k)
        let (br, bc) = c.transposeB ? (c.n, c.k) : (c.k, c.n)
        let a = values.uniform(max(1, ar * (ac + 3) + 2)), b = values.uniform(max(1, br * (bc + 3) + 1))
        let c0 = values.uniform(c.m * (c.n + 3) + 5)
        let at = device.upload(a, shape: [a.count]), bt = device.upload(b, shape: [b.count])
        let ct = device.upload(c0, shape: [c0.count])
        device.gemm(MatrixView(at, offset: 2, rows: ar, columns: ac, stride: ac + 3), transposeA: c.transposeA,
                    MatrixView(bt, offset: 1, rows: br, columns: bc, stride: bc + 3), transposeB: c.transposeB,
                    into: MatrixView(ct, offset: 5, rows: c.m, columns: c.n, stride: c.n + 3),
                    alpha: c.alpha, beta: c.beta)
        let result = device.read(ct)
        try device.check()
        var worst: Float = 0
        for i in 0..<c.m {
            for j in 0..<c.n {
                var exact = 0.0, magnitude = 0.0
                for p in 0..<c.k {
                    let x = Double(c.transposeA ? a[2 + p * (ac + 3) + i] : a[2 + i * (ac + 3) + p])
                    let y = Double(c.transposeB ? b[1 + j * (bc + 3) + p] : b[1 + p * (bc + 3) + j])
                    exact += x * y
                    magnitude += abs(x * y)
                }
                let old = Double(c0[5 + i * (c.n + 3) + j])
                let expected = Double(c.alpha) * exact + Double(c.beta) * old
                let bound = 4 * Double(c.k).squareRoot() * 0x1p-24 * abs(Double(c.alpha)) * magnitude
                    + abs(Double(c.beta) * old) * 0x1p-23 + 1e-30
                let error = abs(Double(result[5 + i * (c.n + 3) + j]) - expected)
                worst = max(worst, Float(error / bound))
            }
        }
        #expect(worst <= 1, "\(c) \(plan): worst error is \(worst)× the tolerance")
        // Padding between rows is untouched.
        for i in 0..<c.m { for j in c.n..<(c.n + 3) where 5 + i * (c.n + 3) + j < c0.count {
            #expect(result[5 + i * (c.n + 3) + j] == c0[5 + i * (c.n + 3) + j])
        } }
    }
}
