// Shared by every training kernel (prepended to each program): activation functions by
// code, exactly the CPU device's formulas. FP_CONTRACT OFF keeps a·b + c as two roundings,
// as Swift computes it, so arithmetic-only kernels equal the CPU device bit for bit.
#pragma OPENCL FP_CONTRACT OFF

// Activation codes: ACT_LINEAR, ACT_RELU, ACT_LEAKY_RELU (p0 = alpha), ACT_TANH, ACT_SIGMOID,
// ACT_HARD_SIGMOID (p0 = slope, p1 = offset) and ACT_SOFTMAX (elementwise identity; rows are
// handled by softmax_rows) are -D defines made from OpenCLBackend's ActivationKind, so they
// cannot drift from the Swift side; p0, p1 are the function's parameters.

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
