#include "fixed_kernels.h"
#include "clones.h"

/* The portable loops are compiled twice (AVX2 and the baseline) and picked at load time:
   they are written for the compiler to vectorize. Unsigned arithmetic where a sum may wrap.
   The register-blocked kernel (fixed_linear_avx2.c) is used instead where the CPU has AVX2. */

int trigc_fixed_linear_avx2(const trigc_fixed_linear *plan, const int32_t *x, ptrdiff_t xStride, int32_t count,
                            int32_t *out, ptrdiff_t outStride, int32_t lanes);

TRIGC_CLONES
static void linear_portable(const trigc_fixed_linear *plan, const int32_t *x, ptrdiff_t xStride, int32_t count,
                            int32_t *out, ptrdiff_t outStride, int32_t lanes) {
    const int32_t shift = plan->shift, half = plan->half, lo = plan->lo, hi = plan->hi;
    const int32_t unused = 32 - plan->accumulatorWidth;
    for (int32_t c = plan->columnStart; c < plan->columnEnd; c++) {
        int32_t *restrict acc = out + (ptrdiff_t)c * outStride;
        const int32_t b = plan->bias ? plan->bias[c] : 0;
        for (int32_t e = 0; e < lanes; e++) acc[e] = b;
        if (plan->saturate) {
            for (int32_t i = 0; i < count; i++) {
                const int32_t k = plan->matrix[(ptrdiff_t)i * plan->width + c];
                const int32_t *restrict xs = x + (ptrdiff_t)i * xStride;
                for (int32_t e = 0; e < lanes; e++) {
                    int32_t q = (k * xs[e] + half) >> shift;
                    q = q < lo ? lo : q;
                    q = q > hi ? hi : q;
                    acc[e] += q;
                }
            }
            for (int32_t e = 0; e < lanes; e++) {
                int32_t s = acc[e];
                s = s < lo ? lo : s;
                acc[e] = s > hi ? hi : s;
            }
        } else {
            uint32_t *restrict sum = (uint32_t *)acc;
            for (int32_t i = 0; i < count; i++) {
                const int32_t k = plan->matrix[(ptrdiff_t)i * plan->width + c];
                const int32_t *restrict xs = x + (ptrdiff_t)i * xStride;
                for (int32_t e = 0; e < lanes; e++) sum[e] += (uint32_t)((k * xs[e] + half) >> shift);
            }
            if (unused > 0) {
                for (int32_t e = 0; e < lanes; e++) acc[e] = (int32_t)(sum[e] << unused) >> unused;
            }
        }
    }
}

void trigc_fixed_linear_block(const trigc_fixed_linear *plan, const int32_t *x, ptrdiff_t xStride, int32_t count,
                              int32_t *out, ptrdiff_t outStride, int32_t lanes) {
    int32_t done = 0;
    if (plan->vector) done = trigc_fixed_linear_avx2(plan, x, xStride, count, out, outStride, lanes);
    /* The lanes past the last whole vector (or all of them). */
    if (done < lanes) linear_portable(plan, x + done, xStride, count, out + done, outStride, lanes - done);
}
