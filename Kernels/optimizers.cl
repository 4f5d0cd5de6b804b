// Optimizer updates, Keras's exact formulas (the CPU device's, operation for operation).

// Adam: m += (g - m)(1 - β1), v += (g² - v)(1 - β2), p -= alpha · m / (√v + ε), with
// alpha = lr · √(1 - β2^t) / (1 - β1^t) computed on the host.
__kernel void adam_update(const int count, const float alpha, const float beta1, const float beta2,
                          const float epsilon, __global float* p, __global const float* g,
                          __global float* m, __global float* v) {
    const int i = get_global_id(0);
    if (i >= count) return;
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * (1.0f - beta1);
    const float vi = v[i] + (gi * gi - v[i]) * (1.0f - beta2);
    m[i] = mi;
    v[i] = vi;
    p[i] -= (mi * alpha) / (sqrt(vi) + epsilon);
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
