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
