// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;
// do not edit: a test fails when this file and Kernels/ differ.

/// The OpenCL C sources of `Kernels/`, embedded at build time (by file name).
enum KernelSources {
    static let files: [String: String] = [
        "common.cl": #"""
// Shared by every training kernel (prepended to each program): activation functions by
// code, exactly the CPU device's formulas. FP_CONTRACT OFF keeps a·b + c as two roundings,
// as Swift computes it, so arithmetic-only kernels equal the CPU device bit for bit.
#pragma OPENCL FP_CONTRACT OFF

// Activation codes (OpenCLBackend's ActivationCode): p0, p1 are the function's parameters.
#define ACT_LINEAR 0
#define ACT_RELU 1
#define ACT_LEAKY_RELU 2   // p0 = alpha
#define ACT_TANH 3
#define ACT_SIGMOID 4
#define ACT_HARD_SIGMOID 5 // p0 = slope, p1 = offset
#define ACT_SOFTMAX 6      // elementwise identity; rows are handled by softmax_rows

inline float activate(int fn, float p0, float p1, float x) {
    switch (fn) {
    case ACT_RELU: return fmax(x, 0.0f);
    case ACT_LEAKY_RELU: return x < 0.0f ? p0 * x : x;
    case ACT_TANH: return tanh(x);
    case ACT_SIGMOID: return 1.0f / (1.0f + exp(-x));
    case ACT_HARD_SIGMOID: return fmin(fmax(p0 * x + p1, 0.0f), 1.0f);
    default: return x;
    }
}

// f'(x) from y = f(x).
inline float derivative(int fn, float p0, float y) {
    switch (fn) {
    case ACT_RELU: return y > 0.0f ? 1.0f : 0.0f;
    case ACT_LEAKY_RELU: return y < 0.0f ? p0 : 1.0f;
    case ACT_TANH: return 1.0f - y * y;
    case ACT_SIGMOID: return y * (1.0f - y);
    case ACT_HARD_SIGMOID: return (y > 0.0f && y < 1.0f) ? p0 : 0.0f;
    default: return 1.0f;
    }
}
"""#,
        "dropout.cl": #"""
// Inverted dropout from a counter-based generator: element i's uniform number depends only
// on (key, i), never on the launch shape or thread order. The generator is the CPU device's
// (SplitMix64's finalizer over key + i·φ, key = mix(seed ^ mix(counter + c)) made on the
// host), so masks equal the CPU device's bit for bit. u = top 24 bits · 2^-24;
// scale = u < rate ? 0 : 1 / (1 - rate); y = x · scale.

inline ulong mix64(ulong z) {
    z += 0x9E3779B97F4A7C15UL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

__kernel void dropout(const int count, const float rate, const float keep, const ulong key,
                      __global const float* x, __global float* y, __global float* scale) {
    const int i = get_global_id(0);
    if (i >= count) return;
    const float u = (float)(mix64(key + (ulong)i * 0x9E3779B97F4A7C15UL) >> 40) * 0x1p-24f;
    const float s = u < rate ? 0.0f : keep;
    scale[i] = s;
    y[i] = x[i] * s;
}
"""#,
        "elementwise.cl": #"""
// Matrix and elementwise kernels. A matrix argument is (pointer, offset, stride): element
// (i, j) is at offset + i·stride + j. 2-D launches are (columns, rows).

__kernel void copy_matrix(const int rows, const int cols, __global const float* s, const int so, const int ss,
                          __global float* d, const int dof, const int ds) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) d[dof + i * ds + j] = s[so + i * ss + j];
}

__kernel void add_matrix(const int rows, const int cols, __global const float* s, const int so, const int ss,
                         __global float* d, const int dof, const int ds) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) d[dof + i * ds + j] += s[so + i * ss + j];
}

// Every row of d becomes v[vo ..< vo + cols].
__kernel void broadcast_rows(const int rows, const int cols, __global const float* v, const int vo,
                             __global float* d, const int dof, const int ds) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) d[dof + i * ds + j] = v[vo + j];
}

// Column reduction (a bias gradient): v[vo + j] (+)= Σ_i x[i, j], rows summed in order so
// the result equals the CPU device's loop bit for bit. One work item per column.
__kernel void sum_rows(const int rows, const int cols, __global const float* x, const int xo, const int xs,
                       __global float* v, const int vo, const int accumulate) {
    const int j = get_global_id(0);
    if (j >= cols) return;
    float sum = accumulate ? v[vo + j] : 0.0f;
    for (int i = 0; i < rows; i++) sum += x[xo + i * xs + j];
    v[vo + j] = sum;
}

__kernel void activate_matrix(const int rows, const int cols, const int fn, const float p0, const float p1,
                              __global const float* x, const int xo, const int xs,
                              __global float* y, const int yo, const int ys) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) y[yo + i * ys + j] = activate(fn, p0, p1, x[xo + i * xs + j]);
}

// Stable softmax over each row (one work item per row): exp(x - max) / Σ, as the CPU device.
__kernel void softmax_rows(const int rows, const int cols, __global const float* x, const int xo, const int xs,
                           __global float* y, const int yo, const int ys) {
    const int i = get_global_id(0);
    if (i >= rows || cols <= 0) return;
    __global const float* xi = x + xo + i * xs;
    __global float* yi = y + yo + i * ys;
    float m = xi[0];
    for (int j = 1; j < cols; j++) m = fmax(m, xi[j]);
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) {
        const float e = exp(xi[j] - m);
        yi[j] = e;
        sum += e;
    }
    const float inverse = 1.0f / sum;
    for (int j = 0; j < cols; j++) yi[j] *= inverse;
}

__kernel void activation_gradient(const int count, const int fn, const float p0, __global const float* y,
                                  __global const float* dy, __global float* dx) {
    const int i = get_global_id(0);
    if (i < count) dx[i] = dy[i] * derivative(fn, p0, y[i]);
}

// dx_i = y_i · (dy_i - Σ_j dy_j · y_j) on each row.
__kernel void softmax_gradient(const int rows, const int cols, __global const float* y, const int yo, const int ys,
                               __global const float* dy, const int go, const int gs,
                               __global float* dx, const int dof, const int ds) {
    const int i = get_global_id(0);
    if (i >= rows) return;
    float dot = 0.0f;
    for (int j = 0; j < cols; j++) dot += dy[go + i * gs + j] * y[yo + i * ys + j];
    for (int j = 0; j < cols; j++) {
        const float yj = y[yo + i * ys + j];
        dx[dof + i * ds + j] = yj * (dy[go + i * gs + j] - dot);
    }
}

__kernel void multiply(const int count, __global const float* a, __global const float* b, __global float* c) {
    const int i = get_global_id(0);
    if (i < count) c[i] = a[i] * b[i];
}

// mask[s] = 1 when some feature of step s differs from value, else 0.
__kernel void sequence_mask(const int steps, const int features, const float value, __global const float* x,
                            __global float* mask) {
    const int s = get_global_id(0);
    if (s >= steps) return;
    float valid = 0.0f;
    for (int f = 0; f < features; f++) {
        if (x[s * features + f] != value) { valid = 1.0f; break; }
    }
    mask[s] = valid;
}
"""#,
        "gru.cl": #"""
// Keras GRU time steps (gate order z, r, h), fused gate arithmetic, one work item per
// (unit j, event e): launches are (units, batch). The host runs the recurrent gemms between
// these kernels; these do everything elementwise. Matrix arguments are (pointer, offset,
// stride) as in elementwise.cl; x is x_t·W + b_in [n, 3u], hw is h_{t-1}·U (+ b_rec) [n, 3u].
// act/ract are the candidate and gate activation codes (common.cl) with their parameters.
// The mask (1 = valid step) has stride ms per event; hasMask = 0 means no masking.

#define AT(p, o, s, e, j) p[(o) + (e) * (s) + (j)]

// Reset-before only: r = ract(x_r + hw_r), rh = r ⊙ h (before the candidate's gemm).
__kernel void gru_reset_gate(const int n, const int u, const int ract, const float rp0, const float rp1,
                             __global const float* x, const int xo, const int xs,
                             __global const float* hw, const int hwo, const int hws,
                             __global const float* h, const int ho, const int hs,
                             __global float* r, const int ro, const int rs,
                             __global float* rh, const int rho, const int rhs) {
    const int j = get_global_id(0), e = get_global_id(1);
    if (j >= u || e >= n) return;
    const float gate = activate(ract, rp0, rp1, AT(x, xo, xs, e, u + j) + AT(hw, hwo, hws, e, u + j));
    AT(r, ro, rs, e, j) = gate;
    AT(rh, rho, rhs, e, j) = gate * AT(h, ho, hs, e, j);
}

// z = ract(x_z + hw_z); reset-after: r = ract(x_r + hw_r), c = act(x_h + r·hw_h);
// reset-before: c = act(x_h + hw_h) (hw_h already (r ⊙ h)·U_h). h' = z·h + (1 - z)·c, or h
// on a masked step. z, r, c are saved for backward.
__kernel void gru_forward(const int n, const int u, const int resetAfter,
                          const int act, const float ap0, const float ap1,
                          const int ract, const float rp0, const float rp1,
                          __global const float* x, const int xo, const int xs,
                          __global const float* hw, const int hwo, const int hws,
                          __global const float* h, const int ho, const int hs,
                          __global float* hn, const int hno, const int hns,
                          __global float* zs, const int zo, const int zst,
                          __global float* rs, const int ro, const int rst,
                          __global float* cs, const int co, const int cst,
                          __global const float* mask, const int mo, const int ms, const int hasMask) {
    const int j = get_global_id(0), e = get_global_id(1);
    if (j >= u || e >= n) return;
    const float z = activate(ract, rp0, rp1, AT(x, xo, xs, e, j) + AT(hw, hwo, hws, e, j));
    float c;
    if (resetAfter) {
        const float r = activate(ract, rp0, rp1, AT(x, xo, xs, e, u + j) + AT(hw, hwo, hws, e, u + j));
        AT(rs, ro, rst, e, j) = r;
        c = activate(act, ap0, ap1, AT(x, xo, xs, e, 2 * u + j) + r * AT(hw, hwo, hws, e, 2 * u + j));
    } else {
        c = activate(act, ap0, ap1, AT(x, xo, xs, e, 2 * u + j) + AT(hw, hwo, hws, e, 2 * u + j));
    }
    AT(zs, zo, zst, e, j) = z;
    AT(cs, co, cst, e, j) = c;
    const float hp = AT(h, ho, hs, e, j);
    const int valid = !hasMask || mask[mo + e * ms] != 0.0f;
    AT(hn, hno, hns, e, j) = valid ? z * hp + (1.0f - z) * c : hp;
}

// Backward of one step from dh = ∂L/∂h_t: the gate pre-activation gradients into dx (input
// projection) and dhw (recurrent projection), and dprev = dh ⊙ z (all of dh on a masked
// step, whose projections get zero gradient). Reset-before leaves the r columns to
// gru_reset_gate_backward.
__kernel void gru_backward(const int n, const int u, const int resetAfter,
                           const int act, const float ap0, const int ract, const float rp0,
                           __global const float* dh, const int dho, const int dhs,
                           __global float* dprev, const int dpo, const int dps,
                           __global float* dx, const int dxo, const int dxs,
                           __global float* dhw, const int dwo, const int dws,
                           __global const float* hw, const int hwo, const int hws,
                           __global const float* h, const int ho, const int hs,
                           __global const float* zs, const int zo, const int zst,
                           __global const float* rs, const int ro, const int rst,
                           __global const float* cs, const int co, const int cst,
                           __global const float* mask, const int mo, const int ms, const int hasMask) {
    const int j = get_global_id(0), e = get_global_id(1);
    if (j >= u || e >= n) return;
    const float g = AT(dh, dho, dhs, e, j);
    if (hasMask && mask[mo + e * ms] == 0.0f) {
        AT(dprev, dpo, dps, e, j) = g;
        for (int k = 0; k < 3; k++) {
            AT(dx, dxo, dxs, e, k * u + j) = 0.0f;
            AT(dhw, dwo, dws, e, k * u + j) = 0.0f;
        }
        return;
    }
    const float z = AT(zs, zo, zst, e, j), c = AT(cs, co, cst, e, j);
    const float dz = g * (AT(h, ho, hs, e, j) - c) * derivative(ract, rp0, z);
    const float dc = g * (1.0f - z) * derivative(act, ap0, c);
    AT(dprev, dpo, dps, e, j) = g * z;
    AT(dx, dxo, dxs, e, j) = dz;
    AT(dhw, dwo, dws, e, j) = dz;
    AT(dx, dxo, dxs, e, 2 * u + j) = dc;
    if (resetAfter) {
        const float r = AT(rs, ro, rst, e, j);
        const float dr = dc * AT(hw, hwo, hws, e, 2 * u + j) * derivative(ract, rp0, r);
        AT(dx, dxo, dxs, e, u + j) = dr;
        AT(dhw, dwo, dws, e, u + j) = dr;
        AT(dhw, dwo, dws, e, 2 * u + j) = dc * r;
    } else {
        AT(dhw, dwo, dws, e, 2 * u + j) = dc;
    }
}

// Reset-before only, after drh = ∂L/∂(r ⊙ h): the reset gate's gradients and
// dprev += drh ⊙ r.
__kernel void gru_reset_gate_backward(const int n, const int u, const int ract, const float rp0,
                                      __global const float* drh, const int dro, const int drs,
                                      __global float* dprev, const int dpo, const int dps,
                                      __global float* dx, const int dxo, const int dxs,
                                      __global float* dhw, const int dwo, const int dws,
                                      __global const float* h, const int ho, const int hs,
                                      __global const float* rs, const int ro, const int rst) {
    const int j = get_global_id(0), e = get_global_id(1);
    if (j >= u || e >= n) return;
    const float r = AT(rs, ro, rst, e, j), d = AT(drh, dro, drs, e, j);
    const float dr = d * AT(h, ho, hs, e, j) * derivative(ract, rp0, r);
    AT(dx, dxo, dxs, e, u + j) = dr;
    AT(dhw, dwo, dws, e, u + j) = dr;
    AT(dprev, dpo, dps, e, j) += d * r;
}
"""#,
        "loss.cl": #"""
// Categorical cross-entropy of softmax probabilities against one-hot labels, one work item
// per row: the row's loss -Σ y·log(clip(p, 1e-7, 1 - 1e-7)) and whether its argmax (first on
// ties) matches the label's go to rowLoss / rowCorrect (the host sums them in double); the
// logit gradient (p - y) · inverse (inverse = 1 / batch) goes to g.
__kernel void softmax_cross_entropy(const int rows, const int classes, const float inverse,
                                    __global const float* p, const int po, const int ps,
                                    __global const float* y, const int yo, const int ys,
                                    __global float* g, const int go, const int gs,
                                    __global float* rowLoss, __global float* rowCorrect) {
    const int i = get_global_id(0);
    if (i >= rows) return;
    __global const float* pi = p + po + i * ps;
    __global const float* yi = y + yo + i * ys;
    __global float* gi = g + go + i * gs;
    float loss = 0.0f;
    int best = 0, label = 0;
    for (int j = 0; j < classes; j++) {
        const float clipped = fmin(fmax(pi[j], 1e-7f), 1.0f - 1e-7f);
        if (yi[j] != 0.0f) loss -= yi[j] * log(clipped);
        gi[j] = (pi[j] - yi[j]) * inverse;
        if (pi[j] > pi[best]) best = j;
        if (yi[j] > yi[label]) label = j;
    }
    rowLoss[i] = loss;
    rowCorrect[i] = best == label ? 1.0f : 0.0f;
}
"""#,
        "optimizers.cl": #"""
// Optimizer updates, Keras's exact formulas (the CPU device's, operation for operation).

// Adam: m += (g - m)(1 - β1), v += (g² - v)(1 - β2), p -= alpha · m / (√v + ε), with
// alpha = lr · √(1 - β2^t) / (1 - β1^t) computed on the host.
inline void adam_step(const int i, const float alpha, const float beta1, const float beta2, const float epsilon,
                      __global float* p, __global const float* g, __global float* m, __global float* v) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * (1.0f - beta1);
    const float vi = v[i] + (gi * gi - v[i]) * (1.0f - beta2);
    m[i] = mi;
    v[i] = vi;
    p[i] -= (mi * alpha) / (sqrt(vi) + epsilon);
}

__kernel void adam_update(const int count, const float alpha, const float beta1, const float beta2,
                          const float epsilon, __global float* p, __global const float* g,
                          __global float* m, __global float* v) {
    const int i = get_global_id(0);
    if (i >= count) return;
    adam_step(i, alpha, beta1, beta2, epsilon, p, g, m, v);
}

// Up to four parameters' Adam steps in one launch (the optimizer's consecutive updates,
// merged by the device): dimension 1 picks the parameter, unused slots have count 0.
#define ADAM_SLOT(k) const int n##k, __global float* p##k, __global const float* g##k, \
                     __global float* m##k, __global float* v##k
__kernel void adam_update4(const float alpha, const float beta1, const float beta2, const float epsilon,
                           ADAM_SLOT(0), ADAM_SLOT(1), ADAM_SLOT(2), ADAM_SLOT(3)) {
    const int i = get_global_id(0), s = get_global_id(1);
    if (s == 0 && i < n0) adam_step(i, alpha, beta1, beta2, epsilon, p0, g0, m0, v0);
    if (s == 1 && i < n1) adam_step(i, alpha, beta1, beta2, epsilon, p1, g1, m1, v1);
    if (s == 2 && i < n2) adam_step(i, alpha, beta1, beta2, epsilon, p2, g2, m2, v2);
    if (s == 3 && i < n3) adam_step(i, alpha, beta1, beta2, epsilon, p3, g3, m3, v3);
}

// SGD: without momentum p -= lr · g; with it v = μ·v - lr·g, then p += v (or, Nesterov,
// p += μ·v - lr·g).
__kernel void sgd_update(const int count, const float lr, const float momentum, const int useVelocity,
                         const int nesterov, __global float* p, __global const float* g, __global float* v) {
    const int i = get_global_id(0);
    if (i >= count) return;
    if (!useVelocity) { p[i] -= lr * g[i]; return; }
    const float vi = momentum * v[i] - lr * g[i];
    v[i] = vi;
    p[i] += nesterov ? momentum * vi - lr * g[i] : vi;
}
"""#,
        "sgemm.cl": #"""
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
"""#,
    ]
}
