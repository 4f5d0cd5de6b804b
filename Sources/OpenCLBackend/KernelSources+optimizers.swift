// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;
// do not edit: a test fails when this file and Kernels/ differ.

extension KernelSources {
    /// `Kernels/optimizers.cl`.
    static let optimizers = #"""
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
"""#
}
