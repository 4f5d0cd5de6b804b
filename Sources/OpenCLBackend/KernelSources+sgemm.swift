// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;
// do not edit: a test fails when this file and Kernels/ differ.

extension KernelSources {
    /// `Kernels/sgemm.cl`.
    static let sgemm = #"""
// SGEMM, row-major: C = alpha · op(A) · op(B) + beta · C, with element offsets and leading
// dimensions (strides) for every matrix, so strided views need no copies.
//
// Tiling (build defines, tuned per device by OpenCLBackend's SGEMMPlan):
//   TS_M × TS_N  output tile of one work-group, TS_K  depth of one step through K,
//   WPT_M × WPT_N outputs per work item (register block), so the work-group is
//   (TS_N / WPT_N) × (TS_M / WPT_M) work items (dimension 0 runs along N: consecutive work
//   items touch consecutive columns, which PoCL vectorizes and GPUs coalesce).
// Each step loads an A tile and a B tile into local memory (transposes resolved while
// loading, zeros past the edges), then every work item accumulates its WPT_M × WPT_N block.
// Four kernels, one per transpose combination: sgemm_nn, sgemm_nt, sgemm_tn, sgemm_tt.
// The program is built from common.cl + this file (KernelLibrary.sgemmSource): the packed
// CPU kernels' epilogue applies common.cl's activations.
#pragma OPENCL FP_CONTRACT ON // a·b + c may fuse: summation order differs from BLAS anyway

#ifndef TS_M
#define TS_M 64
#endif
#ifndef TS_N
#define TS_N 64
#endif
#ifndef TS_K
#define TS_K 16
#endif
#ifndef WPT_M
#define WPT_M 4
#endif
#ifndef WPT_N
#define WPT_N 4
#endif
#define RTS_M (TS_M / WPT_M)
#define RTS_N (TS_N / WPT_N)
#define THREADS (RTS_M * RTS_N)

// op(A)[m, k] and op(B)[k, n] addresses for each transpose.
#define A_AT_N(m, k) ((m) * lda + (k))
#define A_AT_T(m, k) ((k) * lda + (m))
#define B_AT_N(k, n) ((k) * ldb + (n))
#define B_AT_T(k, n) ((n) * ldb + (k))

#define SGEMM_KERNEL(NAME, A_AT, B_AT, A_ROW_MAJOR, B_ROW_MAJOR)                                   \
__kernel __attribute__((reqd_work_group_size(RTS_N, RTS_M, 1)))                                     \
void NAME(const int M, const int N, const int K, const float alpha,                                 \
          __global const float* A, const int offA, const int lda,                                   \
          __global const float* B, const int offB, const int ldb,                                   \
          const float beta, __global float* C, const int offC, const int ldc) {                     \
    const int tx = get_local_id(0), ty = get_local_id(1);                                           \
    const int tid = ty * RTS_N + tx;                                                                \
    const int row0 = get_group_id(1) * TS_M, col0 = get_group_id(0) * TS_N;                         \
    __local float As[TS_K][TS_M];                                                                   \
    __local float Bs[TS_K][TS_N];                                                                   \
    float acc[WPT_M][WPT_N];                                                                        \
    for (int i = 0; i < WPT_M; i++)                                                                 \
        for (int j = 0; j < WPT_N; j++) acc[i][j] = 0.0f;                                           \
    A += offA;                                                                                      \
    B += offB;                                                                                      \
    for (int k0 = 0; k0 < K; k0 += TS_K) {                                                          \
        for (int l = tid; l < TS_M * TS_K; l += THREADS) {                                          \
            /* consecutive l walk along memory: k for a row-major A, m for a transposed one */     \
            const int m = A_ROW_MAJOR ? l / TS_K : l % TS_M;                                        \
            const int k = A_ROW_MAJOR ? l % TS_K : l / TS_M;                                        \
            const int gm = row0 + m, gk = k0 + k;                                                   \
            As[k][m] = (gm < M && gk < K) ? A[A_AT(gm, gk)] : 0.0f;                                 \
        }                                                                                           \
        for (int l = tid; l < TS_N * TS_K; l += THREADS) {                                          \
            const int n = B_ROW_MAJOR ? l % TS_N : l / TS_K;                                        \
            const int k = B_ROW_MAJOR ? l / TS_N : l % TS_K;                                        \
            const int gn = col0 + n, gk = k0 + k;                                                   \
            Bs[k][n] = (gn < N && gk < K) ? B[B_AT(gk, gn)] : 0.0f;                                 \
        }                                                                                           \
        barrier(CLK_LOCAL_MEM_FENCE);                                                               \
        for (int k = 0; k < TS_K; k++) {                                                            \
            float a[WPT_M], b[WPT_N];                                                               \
            for (int i = 0; i < WPT_M; i++) a[i] = As[k][ty + i * RTS_M];                           \
            for (int j = 0; j < WPT_N; j++) b[j] = Bs[k][tx + j * RTS_N];                           \
            for (int i = 0; i < WPT_M; i++)                                                         \
                for (int j = 0; j < WPT_N; j++) acc[i][j] += a[i] * b[j];           \
        }                                                                                           \
        barrier(CLK_LOCAL_MEM_FENCE);                                                               \
    }                                                                                               \
    for (int i = 0; i < WPT_M; i++) {                                                               \
        const int r = row0 + ty + i * RTS_M;                                                        \
        if (r >= M) continue;                                                                       \
        for (int j = 0; j < WPT_N; j++) {                                                           \
            const int c = col0 + tx + j * RTS_N;                                                    \
            if (c >= N) continue;                                                                   \
            __global float* out = C + offC + r * ldc + c;                                           \
            *out = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *out;              \
        }                                                                                           \
    }                                                                                               \
}

SGEMM_KERNEL(sgemm_nn, A_AT_N, B_AT_N, 1, 1)
SGEMM_KERNEL(sgemm_nt, A_AT_N, B_AT_T, 1, 0)
SGEMM_KERNEL(sgemm_tn, A_AT_T, B_AT_N, 0, 1)
SGEMM_KERNEL(sgemm_tt, A_AT_T, B_AT_T, 0, 0)

// Direct variant for CPU devices (PoCL): no local memory and no barriers, which PoCL turns
// into one vectorized loop over the work-group. Work item (column c, row block) accumulates
// WPT_M rows of column c; dimension 0 runs along N, so B's loads are contiguous vectors and
// A's are broadcasts. Work-groups are (TS_N, 1); rows past M are clamped on load, never stored.
#define SGEMM_DIRECT_KERNEL(NAME, A_AT, B_AT)                                                      \
__kernel void NAME(const int M, const int N, const int K, const float alpha,                        \
                   __global const float* A, const int offA, const int lda,                          \
                   __global const float* B, const int offB, const int ldb,                          \
                   const float beta, __global float* C, const int offC, const int ldc) {            \
    const int c = get_global_id(0), r0 = get_global_id(1) * WPT_M;                                  \
    if (c >= N || r0 >= M) return;                                                                  \
    const int cc = c;                                                                               \
    float acc[WPT_M];                                                                               \
    int rows[WPT_M];                                                                                \
    for (int i = 0; i < WPT_M; i++) { acc[i] = 0.0f; rows[i] = min(r0 + i, M - 1); }                \
    A += offA;                                                                                      \
    B += offB;                                                                                      \
    for (int k = 0; k < K; k++) {                                                                   \
        const float b = B[B_AT(k, cc)];                                                             \
        for (int i = 0; i < WPT_M; i++) acc[i] += A[A_AT(rows[i], k)] * b;                          \
    }                                                                                               \
    for (int i = 0; i < WPT_M && r0 + i < M; i++) {                                                 \
        __global float* out = C + offC + (r0 + i) * ldc + c;                                        \
        *out = beta == 0.0f ? alpha * acc[i] : alpha * acc[i] + beta * *out;                        \
    }                                                                                               \
}

SGEMM_DIRECT_KERNEL(sgemm_direct_nn, A_AT_N, B_AT_N)
SGEMM_DIRECT_KERNEL(sgemm_direct_nt, A_AT_N, B_AT_T)
SGEMM_DIRECT_KERNEL(sgemm_direct_tn, A_AT_T, B_AT_N)
SGEMM_DIRECT_KERNEL(sgemm_direct_tt, A_AT_T, B_AT_T)

// Packed variant for CPU devices (PoCL), written like a BLAS: one work item per work-group
// computes a CPU_MC × CPU_NC macro tile of C. For each CPU_KC-deep slice of K it packs the
// A block into CPU_MR-row panels and the B block into CPU_NR-column panels in local memory
// (transposes resolved and edges zero-padded while packing, so one micro-kernel serves all
// four kernels), then a register-blocked micro-kernel accumulates CPU_MR × CPU_NR outputs
// (CPU_NV float16 vectors per row: AVX-512 registers on PoCL) with one fma per vector.
// The first K slice applies beta (or, with useBias, adds bias[offBias + column] instead of
// beta·C: a dense layer's bias), later slices add to C; the last slice applies activation
// `act` (common.cl's codes and parameters; ACT_LINEAR for none): one launch per dense layer. CPU_MC % CPU_MR == 0 and
// CPU_NC % CPU_NR == 0 (SGEMMPlan checks). Global size (⌈N/CPU_NC⌉, ⌈M/CPU_MC⌉), groups (1, 1).
#ifndef CPU_MC
#define CPU_MC 128
#endif
#ifndef CPU_NC
#define CPU_NC 256
#endif
#ifndef CPU_KC
#define CPU_KC 256
#endif
#ifndef CPU_MR
#define CPU_MR 8
#endif
#ifndef CPU_NV
#define CPU_NV 2
#endif
#define CPU_NR (16 * CPU_NV)

// Packs rows [row0, row0 + mb) × K slice [k0, k0 + kc) of op(A) into CPU_MR-row panels
// (panel p, step k holds rows p·CPU_MR ..< (p + 1)·CPU_MR), zeros past mb.
inline void sgemm_pack_a(__local float* Ap, __global const float* A, const int lda, const int rowMajor,
                         const int row0, const int mb, const int mp, const int k0, const int kc) {
    for (int p = 0; p < mp; p += CPU_MR) {
        __local float* dst = Ap + p * kc;
        if (p + CPU_MR <= mb && rowMajor) {
            for (int i = 0; i < CPU_MR; i++) {
                __global const float* src = A + (row0 + p + i) * lda + k0;
                for (int k = 0; k < kc; k++) dst[k * CPU_MR + i] = src[k];
            }
        } else if (p + CPU_MR <= mb) {
            for (int k = 0; k < kc; k++) {
                __global const float* src = A + (k0 + k) * lda + row0 + p;
                for (int i = 0; i < CPU_MR; i++) dst[k * CPU_MR + i] = src[i];
            }
        } else {
            for (int k = 0; k < kc; k++)
                for (int i = 0; i < CPU_MR; i++) {
                    const int m = row0 + p + i;
                    dst[k * CPU_MR + i] = p + i < mb ? A[rowMajor ? m * lda + k0 + k : (k0 + k) * lda + m] : 0.0f;
                }
        }
    }
}

// Packs K slice [k0, k0 + kc) × columns [col0, col0 + nb) of op(B) into CPU_NR-column
// panels (panel p, step k holds CPU_NR consecutive columns), zeros past nb.
inline void sgemm_pack_b(__local float* Bp, __global const float* B, const int ldb, const int rowMajor,
                         const int col0, const int nb, const int np, const int k0, const int kc) {
    for (int p = 0; p < np; p += CPU_NR) {
        __local float* dst = Bp + p * kc;
        if (p + CPU_NR <= nb && rowMajor) {
            for (int k = 0; k < kc; k++) {
                __global const float* src = B + (k0 + k) * ldb + col0 + p;
                for (int v = 0; v < CPU_NV; v++) vstore16(vload16(v, src), v, dst + k * CPU_NR);
            }
        } else if (p + CPU_NR <= nb) {
            for (int j = 0; j < CPU_NR; j++) {
                __global const float* src = B + (col0 + p + j) * ldb + k0;
                for (int k = 0; k < kc; k++) dst[k * CPU_NR + j] = src[k];
            }
        } else {
            for (int k = 0; k < kc; k++)
                for (int j = 0; j < CPU_NR; j++) {
                    const int n = col0 + p + j;
                    dst[k * CPU_NR + j] = p + j < nb ? B[rowMajor ? (k0 + k) * ldb + n : n * ldb + k0 + k] : 0.0f;
                }
        }
    }
}

#define SGEMM_CPU_KERNEL(NAME, A_ROW_MAJOR, B_ROW_MAJOR)                                            \
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))                                             \
void NAME(const int M, const int N, const int K, const float alpha,                                 \
          __global const float* A, const int offA, const int lda,                                   \
          __global const float* B, const int offB, const int ldb,                                   \
          const float beta, __global float* C, const int offC, const int ldc,                       \
          __global const float* bias, const int offBias, const int useBias,                         \
          const int act, const float act0, const float act1) {                                      \
    __local float Ap[CPU_MC * CPU_KC];                                                              \
    __local float Bp[CPU_KC * CPU_NC];                                                              \
    const int row0 = get_group_id(1) * CPU_MC, col0 = get_group_id(0) * CPU_NC;                     \
    const int mb = min(CPU_MC, M - row0), nb = min(CPU_NC, N - col0);                               \
    const int mp = (mb + CPU_MR - 1) / CPU_MR * CPU_MR, np = (nb + CPU_NR - 1) / CPU_NR * CPU_NR;  \
    A += offA;                                                                                      \
    B += offB;                                                                                      \
    C += offC;                                                                                      \
    for (int k0 = 0; k0 < K || k0 == 0; k0 += CPU_KC) {                                             \
        const int kc = min(CPU_KC, K - k0);                                                         \
        sgemm_pack_a(Ap, A, lda, A_ROW_MAJOR, row0, mb, mp, k0, kc);                                \
        sgemm_pack_b(Bp, B, ldb, B_ROW_MAJOR, col0, nb, np, k0, kc);                                \
        const int first = k0 == 0, last = k0 + CPU_KC >= K;                                         \
        const float keep = first ? (useBias ? 0.0f : beta) : 1.0f;                                  \
        const int epilogue = (first && useBias) || (last && act != ACT_LINEAR);                     \
        for (int jr = 0; jr < np; jr += CPU_NR) {                                                   \
            for (int ir = 0; ir < mp; ir += CPU_MR) {                                               \
                float16 acc[CPU_MR][CPU_NV];                                                        \
                _Pragma("unroll") for (int i = 0; i < CPU_MR; i++)                                  \
                    _Pragma("unroll") for (int v = 0; v < CPU_NV; v++) acc[i][v] = (float16)(0.0f); \
                __local const float* a = Ap + ir * kc;                                              \
                __local const float* b = Bp + jr * kc;                                              \
                for (int k = 0; k < kc; k++) {                                                      \
                    float16 bv[CPU_NV];                                                             \
                    _Pragma("unroll") for (int v = 0; v < CPU_NV; v++) bv[v] = vload16(v, b);       \
                    _Pragma("unroll") for (int i = 0; i < CPU_MR; i++) {                            \
                        const float16 ai = (float16)(a[i]);                                         \
                        _Pragma("unroll") for (int v = 0; v < CPU_NV; v++)                          \
                            acc[i][v] = fma(ai, bv[v], acc[i][v]);                                  \
                    }                                                                               \
                    a += CPU_MR;                                                                    \
                    b += CPU_NR;                                                                    \
                }                                                                                   \
                const bool full = ir + CPU_MR <= mb && jr + CPU_NR <= nb;                           \
                _Pragma("unroll") for (int i = 0; i < CPU_MR; i++) {                                \
                    __global float* out = C + (row0 + ir + i) * ldc + col0 + jr;                    \
                    if (full && !epilogue) {                                                        \
                        _Pragma("unroll") for (int v = 0; v < CPU_NV; v++) {                        \
                            const float16 r = keep == 0.0f ? alpha * acc[i][v]                      \
                                : alpha * acc[i][v] + keep * vload16(v, out);                       \
                            vstore16(r, v, out);                                                    \
                        }                                                                           \
                    } else if (ir + i < mb) {                                                       \
                        float vals[CPU_NR];                                                         \
                        _Pragma("unroll") for (int v = 0; v < CPU_NV; v++) vstore16(acc[i][v], v, vals); \
                        for (int j = 0; j < CPU_NR && jr + j < nb; j++) {                           \
                            float r = keep == 0.0f ? alpha * vals[j] : alpha * vals[j] + keep * out[j]; \
                            if (first && useBias) r = alpha * vals[j] + bias[offBias + col0 + jr + j]; \
                            out[j] = last ? activate(act, act0, act1, r) : r;                      \
                        }                                                                           \
                    }                                                                               \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
        if (K == 0) break;                                                                          \
    }                                                                                               \
}
SGEMM_CPU_KERNEL(sgemm_cpu_nn, 1, 1)
SGEMM_CPU_KERNEL(sgemm_cpu_nt, 1, 0)
SGEMM_CPU_KERNEL(sgemm_cpu_tn, 0, 1)
SGEMM_CPU_KERNEL(sgemm_cpu_tt, 0, 0)
"""#
}
