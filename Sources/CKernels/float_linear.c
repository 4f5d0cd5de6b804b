#include "float_kernels.h"
#include "clones.h"

/* The float product over lanes: the portable loops, and a register-blocked AVX2 kernel
   (8 lanes × up to 10 columns in registers) used for the whole vectors of 8 lanes where the
   CPU has AVX2. Both add the products in order of i with a multiply then an add (no fused
   multiply-add), so every lane gets the same bits either way. */
#pragma clang fp contract(off)


TRIGC_CLONES
static void linear_portable(const trigc_float_linear *p, const float *x, ptrdiff_t xStride, int32_t count,
                            float *out, ptrdiff_t outStride, int32_t lanes) {
    for (int32_t c = p->columnStart; c < p->columnEnd; c++) {
        float *restrict acc = out + (ptrdiff_t)c * outStride;
        const float b = p->bias ? p->bias[c] : 0;
        for (int32_t e = 0; e < lanes; e++) acc[e] = b;
        for (int32_t i = 0; i < count; i++) {
            const float k = p->matrix[(ptrdiff_t)i * p->width + c];
            const float *restrict xs = x + (ptrdiff_t)i * xStride;
            for (int32_t e = 0; e < lanes; e++) acc[e] = acc[e] + k * xs[e];
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define TRIGC_AVX2_INLINE __attribute__((target("avx2"), always_inline)) static inline

TRIGC_AVX2_INLINE void columns(const trigc_float_linear *p, const float *x, ptrdiff_t xStride, int32_t count,
                               float *out, ptrdiff_t outStride, int32_t c0, ptrdiff_t e0, const int ncols) {
    __m256 acc[10];
    for (int k = 0; k < ncols; k++) acc[k] = _mm256_set1_ps(p->bias ? p->bias[c0 + k] : 0);
    const float *row = p->matrix + c0;
    const float *xs = x + e0;
    for (int32_t i = 0; i < count; i++, row += p->width, xs += xStride) {
        const __m256 xv = _mm256_loadu_ps(xs);
        for (int k = 0; k < ncols; k++) acc[k] = _mm256_add_ps(acc[k], _mm256_mul_ps(_mm256_set1_ps(row[k]), xv));
    }
    for (int k = 0; k < ncols; k++) _mm256_storeu_ps(out + (ptrdiff_t)(c0 + k) * outStride + e0, acc[k]);
}

__attribute__((target("avx2")))
static void blocked(const trigc_float_linear *p, const float *x, ptrdiff_t xStride, int32_t count,
                    float *out, ptrdiff_t outStride, int32_t vectors) {
    for (ptrdiff_t e0 = 0; e0 < (ptrdiff_t)vectors * 8; e0 += 8) {
        int32_t c = p->columnStart;
        for (; c + 10 <= p->columnEnd; c += 10) columns(p, x, xStride, count, out, outStride, c, e0, 10);
        if (c + 8 <= p->columnEnd) {
            columns(p, x, xStride, count, out, outStride, c, e0, 8);
            c += 8;
        }
        if (c + 4 <= p->columnEnd) {
            columns(p, x, xStride, count, out, outStride, c, e0, 4);
            c += 4;
        }
        if (c + 2 <= p->columnEnd) {
            columns(p, x, xStride, count, out, outStride, c, e0, 2);
            c += 2;
        }
        if (c < p->columnEnd) columns(p, x, xStride, count, out, outStride, c, e0, 1);
    }
}

static int32_t linear_avx2(const trigc_float_linear *p, const float *x, ptrdiff_t xStride, int32_t count,
                           float *out, ptrdiff_t outStride, int32_t lanes) {
    if (!__builtin_cpu_supports("avx2")) return 0;
    blocked(p, x, xStride, count, out, outStride, lanes / 8);
    return lanes / 8 * 8;
}
#else
static int32_t linear_avx2(const trigc_float_linear *p, const float *x, ptrdiff_t xStride, int32_t count,
                           float *out, ptrdiff_t outStride, int32_t lanes) {
    (void)p, (void)x, (void)xStride, (void)count, (void)out, (void)outStride, (void)lanes;
    return 0;
}
#endif

void trigc_float_linear_block(const trigc_float_linear *plan, const float *x, ptrdiff_t xStride, int32_t count,
                              float *out, ptrdiff_t outStride, int32_t lanes) {
    const int32_t done = linear_avx2(plan, x, xStride, count, out, outStride, lanes);
    if (done < lanes) linear_portable(plan, x + done, xStride, count, out + done, outStride, lanes - done);
}
