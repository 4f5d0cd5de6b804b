#include "float_kernels.h"
#include "clones.h"

/* Compiled twice (AVX2 and the baseline) and picked at load time; the lane loops are branch-
   free for the compiler to vectorize. No contraction into fused multiply-adds, so both
   versions (and the register-blocked product in float_linear.c) round alike. */
#pragma clang fp contract(off)

#define TRIGC_INLINE __attribute__((always_inline)) static inline

/* exp(x) for x clamped to [-87.3, 88] (so 2^n stays a normal float): x = n·ln2 + r with
   |r| <= ln2/2 (ln2 split in two for an exact n·ln2_hi), Cephes' degree-6 polynomial for
   exp(r), and 2^n from the exponent bits. */
TRIGC_INLINE float exp_poly(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.0f ? 88.0f : x);
    const float t = x * 1.44269504088896341f + 0.5f;
    const float n = (float)(int32_t)t - (t < (float)(int32_t)t ? 1.0f : 0.0f); /* floor */
    const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
    float p = 1.9875691500E-4f;
    p = p * r + 1.3981999507E-3f;
    p = p * r + 8.3334519073E-3f;
    p = p * r + 4.1665795894E-2f;
    p = p * r + 1.6666665459E-1f;
    p = p * r + 5.0000001201E-1f;
    p = p * (r * r) + r + 1.0f;
    union { int32_t i; float f; } scale = {.i = ((int32_t)n + 127) << 23};
    return p * scale.f;
}

/* tanh: an odd polynomial below |x| = 0.125 (error under 1e-9), else 1 - 2 / (exp(2|x|) + 1). */
TRIGC_INLINE float tanh_poly(float x) {
    const float ax = x < 0 ? -x : x;
    const float x2 = x * x;
    const float small = x + x * x2 * (-0.333333333f + x2 * (0.133333333f + x2 * -0.0539682540f));
    const float large = 1.0f - 2.0f / (exp_poly(2.0f * ax) + 1.0f);
    return ax < 0.125f ? small : (x < 0 ? -large : large);
}

TRIGC_INLINE void activate(trigc_float_activation f, float *restrict y, ptrdiff_t n) {
    const float a = f.a, b = f.b;
    switch ((trigc_float_activation_kind)f.kind) {
    case trigc_float_linear_activation:
        return;
    case trigc_float_relu:
        for (ptrdiff_t e = 0; e < n; e++) y[e] = y[e] > 0 ? y[e] : 0;
        return;
    case trigc_float_leaky_relu:
        for (ptrdiff_t e = 0; e < n; e++) y[e] = y[e] < 0 ? a * y[e] : y[e];
        return;
    case trigc_float_tanh:
        for (ptrdiff_t e = 0; e < n; e++) y[e] = tanh_poly(y[e]);
        return;
    case trigc_float_sigmoid:
        for (ptrdiff_t e = 0; e < n; e++) y[e] = 1.0f / (1.0f + exp_poly(-y[e]));
        return;
    case trigc_float_hard_sigmoid:
        for (ptrdiff_t e = 0; e < n; e++) {
            const float t = a * y[e] + b;
            y[e] = t < 0 ? 0 : (t > 1 ? 1 : t);
        }
        return;
    }
}

TRIGC_CLONES
void trigc_float_activate(trigc_float_activation activation, float *y, int32_t count) {
    activate(activation, y, count);
}

TRIGC_CLONES
void trigc_float_gru_reset(const trigc_float_gru *plan, const float *xw, float *hw, const float *h, float *rh,
                           float *rows, int32_t lanes) {
    const ptrdiff_t n = lanes, u = plan->units;
    float *restrict r = rows;
    for (ptrdiff_t j = 0; j < u; j++) {
        const float *restrict xr = xw + (u + j) * n, *restrict hr = hw + (u + j) * n;
        for (ptrdiff_t e = 0; e < n; e++) r[e] = xr[e] + hr[e];
        activate(plan->gate, r, n);
        if (plan->resetAfter) {
            const float *restrict xh = xw + (2 * u + j) * n;
            float *restrict hh = hw + (2 * u + j) * n;
            for (ptrdiff_t e = 0; e < n; e++) hh[e] = xh[e] + r[e] * hh[e];
        } else {
            const float *restrict hj = h + j * n;
            float *restrict out = rh + j * n;
            for (ptrdiff_t e = 0; e < n; e++) out[e] = r[e] * hj[e];
        }
    }
}

TRIGC_CLONES
void trigc_float_gru_update(const trigc_float_gru *plan, const float *xw, const float *hw, float *h,
                            const uint8_t *active, float *rows, int32_t lanes) {
    const ptrdiff_t n = lanes, u = plan->units;
    float *restrict z = rows, *restrict c = rows + n;
    for (ptrdiff_t j = 0; j < u; j++) {
        const float *restrict xz = xw + j * n, *restrict hz = hw + j * n;
        const float *restrict xh = xw + (2 * u + j) * n, *restrict hh = hw + (2 * u + j) * n;
        for (ptrdiff_t e = 0; e < n; e++) z[e] = xz[e] + hz[e];
        if (plan->resetAfter) {
            for (ptrdiff_t e = 0; e < n; e++) c[e] = hh[e];
        } else {
            for (ptrdiff_t e = 0; e < n; e++) c[e] = xh[e] + hh[e];
        }
        activate(plan->gate, z, n);
        activate(plan->candidate, c, n);
        float *restrict hj = h + j * n;
        for (ptrdiff_t e = 0; e < n; e++) {
            const float fresh = z[e] * hj[e] + (1 - z[e]) * c[e];
            hj[e] = active[e] ? fresh : hj[e];
        }
    }
}
