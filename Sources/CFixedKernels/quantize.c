#include "CFixedKernels.h"
#include <math.h>

/* Input quantization into feature-major lanes (see CFixedKernels.h). Compiled twice (AVX2
   and the baseline) and picked at load time; branch-free so that it vectorizes. */
#if defined(__x86_64__) && defined(__clang__)
#define TRIGC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TRIGC_CLONES
#endif

TRIGC_CLONES
int trigc_quantize_lanes(const trigc_quantizer *q, const float *source, ptrdiff_t rowLength, int32_t lanes,
                         int32_t columns, int64_t *out, ptrdiff_t outStride) {
    const double scale = q->scale, half = q->half;
    const int64_t lo = q->lo, hi = q->hi;
    const int32_t unused = q->unused, saturate = q->saturate;
    int exact = 1;
    /* Eight events at a time: eight rows stream in together, each column's codes are adjacent. */
    for (ptrdiff_t e0 = 0; e0 < lanes; e0 += 8) {
        const ptrdiff_t e1 = e0 + 8 < lanes ? e0 + 8 : lanes;
        for (ptrdiff_t k = 0; k < columns; k++) {
            int64_t *restrict column = out + k * outStride;
            for (ptrdiff_t e = e0; e < e1; e++) {
                double t = (double)source[e * rowLength + k] * scale + half;
                const int ok = fabs(t) < 0x1p31; /* false for NaN; int32 conversions vectorize */
                exact &= ok;
                t = ok ? t : 0;
                const int64_t i = (int32_t)floor(t);
                const int64_t clamped = i < lo ? lo : (i > hi ? hi : i);
                const int64_t wrapped = (int64_t)((uint64_t)i << unused) >> unused;
                column[e] = saturate ? clamped : wrapped;
            }
        }
    }
    return exact;
}
