#include "fixed_kernels.h"

/* The fixed-point product of fixed_linear.c, register-blocked for AVX2: for each vector of 8
   lanes, up to 10 columns are summed in registers while the input rows stream past once
   (10: 150, 100 and 50, the usual GRU widths, split evenly; 16 registers hold them).
   Same arithmetic as the portable loops (see fixed_kernels.h), lane for lane. */
int trigc_fixed_linear_avx2(const trigc_fixed_linear *plan, const int32_t *x, ptrdiff_t xStride, int32_t count,
                            int32_t *out, ptrdiff_t outStride, int32_t lanes);

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define TRIGC_AVX2_INLINE __attribute__((target("avx2"), always_inline)) static inline

/* Columns [c0, c0 + ncols) for lanes [e0, e0 + 8). With `narrow`, the weights come from
   narrowMatrix, whose high halves are zero, so vpmaddwd gives the exact product of the low
   halves (the x lanes' high halves multiply zero). */
TRIGC_AVX2_INLINE void columns(const trigc_fixed_linear *p, const int32_t *x, ptrdiff_t xStride, int32_t count,
                               int32_t *out, ptrdiff_t outStride, int32_t c0, ptrdiff_t e0, const int ncols,
                               const int narrow, const int saturate, const int clamp, const int round) {
    __m256i acc[10];
    for (int k = 0; k < ncols; k++) acc[k] = _mm256_set1_epi32(p->bias ? p->bias[c0 + k] : 0);
    const __m128i shift = _mm_cvtsi32_si128(p->shift);
    const __m256i half = _mm256_set1_epi32(p->half);
    const __m256i lo = _mm256_set1_epi32(p->lo), hi = _mm256_set1_epi32(p->hi);
    const int32_t *row = (narrow ? p->narrowMatrix : p->matrix) + c0;
    const int32_t *xs = x + e0;
    for (int32_t i = 0; i < count; i++, row += p->width, xs += xStride) {
        const __m256i xv = _mm256_loadu_si256((const __m256i *)xs);
        for (int k = 0; k < ncols; k++) {
            const __m256i kv = _mm256_set1_epi32(row[k]);
            __m256i q = narrow ? _mm256_madd_epi16(xv, kv) : _mm256_mullo_epi32(xv, kv);
            if (round) q = _mm256_add_epi32(q, half);
            q = _mm256_sra_epi32(q, shift);
            if (clamp) q = _mm256_max_epi32(_mm256_min_epi32(q, hi), lo);
            acc[k] = _mm256_add_epi32(acc[k], q);
        }
    }
    const __m128i unused = _mm_cvtsi32_si128(32 - p->accumulatorWidth);
    for (int k = 0; k < ncols; k++) {
        __m256i s = acc[k];
        s = saturate ? _mm256_max_epi32(_mm256_min_epi32(s, hi), lo) : _mm256_sra_epi32(_mm256_sll_epi32(s, unused), unused);
        _mm256_storeu_si256((__m256i *)(out + (ptrdiff_t)(c0 + k) * outStride + e0), s);
    }
}

TRIGC_AVX2_INLINE void all_columns(const trigc_fixed_linear *p, const int32_t *x, ptrdiff_t xStride, int32_t count,
                                   int32_t *out, ptrdiff_t outStride, ptrdiff_t e0, const int narrow,
                                   const int saturate, const int clamp, const int round) {
    int32_t c = p->columnStart;
    for (; c + 10 <= p->columnEnd; c += 10) columns(p, x, xStride, count, out, outStride, c, e0, 10, narrow, saturate, clamp, round);
    if (c + 8 <= p->columnEnd) {
        columns(p, x, xStride, count, out, outStride, c, e0, 8, narrow, saturate, clamp, round);
        c += 8;
    }
    if (c + 4 <= p->columnEnd) {
        columns(p, x, xStride, count, out, outStride, c, e0, 4, narrow, saturate, clamp, round);
        c += 4;
    }
    if (c + 2 <= p->columnEnd) {
        columns(p, x, xStride, count, out, outStride, c, e0, 2, narrow, saturate, clamp, round);
        c += 2;
    }
    if (c < p->columnEnd) columns(p, x, xStride, count, out, outStride, c, e0, 1, narrow, saturate, clamp, round);
}

__attribute__((target("avx2")))
static void blocked(const trigc_fixed_linear *p, const int32_t *x, ptrdiff_t xStride, int32_t count,
                    int32_t *out, ptrdiff_t outStride, int32_t vectors) {
    /* One specialization per (narrow, saturate, clamp, round), so the inner loop has no
       branches, truncation adds no half and a clamp that cannot act is left out. */
    const int narrow = p->narrowMatrix != 0, saturate = p->saturate != 0, round = p->half != 0;
    const int clamp = saturate && p->clampProducts;
    for (ptrdiff_t e0 = 0; e0 < (ptrdiff_t)vectors * 8; e0 += 8) {
#define TRIGC_COLUMNS(N, S, C, R) all_columns(p, x, xStride, count, out, outStride, e0, N, S, C, R)
#define TRIGC_ROUND(N, S, C) { if (round) TRIGC_COLUMNS(N, S, C, 1); else TRIGC_COLUMNS(N, S, C, 0); }
#define TRIGC_OVERFLOW(N) { if (clamp) TRIGC_ROUND(N, 1, 1) else if (saturate) TRIGC_ROUND(N, 1, 0) else TRIGC_ROUND(N, 0, 0) }
        if (narrow) TRIGC_OVERFLOW(1) else TRIGC_OVERFLOW(0)
#undef TRIGC_OVERFLOW
#undef TRIGC_ROUND
#undef TRIGC_COLUMNS
    }
}

/* Computes the whole vectors of 8 lanes and returns how many lanes it did (0 without AVX2). */
int trigc_fixed_linear_avx2(const trigc_fixed_linear *plan, const int32_t *x, ptrdiff_t xStride, int32_t count,
                            int32_t *out, ptrdiff_t outStride, int32_t lanes) {
    if (!__builtin_cpu_supports("avx2") || plan->accumulatorWidth < 1 || plan->accumulatorWidth > 32) return 0;
    const int32_t vectors = lanes / 8;
    blocked(plan, x, xStride, count, out, outStride, vectors);
    return vectors * 8;
}
#else
int trigc_fixed_linear_avx2(const trigc_fixed_linear *plan, const int32_t *x, ptrdiff_t xStride, int32_t count,
                            int32_t *out, ptrdiff_t outStride, int32_t lanes) {
    (void)plan, (void)x, (void)xStride, (void)count, (void)out, (void)outStride, (void)lanes;
    return 0;
}
#endif
