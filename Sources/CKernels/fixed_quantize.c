#include "fixed_kernels.h"
#include "clones.h"
#include <math.h>

/* Input quantization into feature-major lanes (see fixed_kernels.h). Compiled twice (AVX2
   and the baseline) and picked at load time. Tiles of 8 events × 64 features: each event's
   features are quantized from contiguous memory into a small tile (a branch-free loop that
   vectorizes), then the tile is written column by column (8 adjacent codes per feature). */

enum { tile_events = 8, tile_features = 64 };

TRIGC_CLONES
int trigc_quantize_lanes(const trigc_quantizer *q, const float *source, ptrdiff_t rowLength, int32_t lanes,
                         int32_t columns, int64_t *out, ptrdiff_t outStride) {
    const double scale = q->scale, half = q->half;
    const int64_t lo = q->lo, hi = q->hi;
    const int32_t unused = q->unused, saturate = q->saturate;
    int64_t codes[tile_events][tile_features];
    int exact = 1;
    for (ptrdiff_t e0 = 0; e0 < lanes; e0 += tile_events) {
        const ptrdiff_t events = lanes - e0 < tile_events ? lanes - e0 : tile_events;
        for (ptrdiff_t k0 = 0; k0 < columns; k0 += tile_features) {
            const ptrdiff_t features = columns - k0 < tile_features ? columns - k0 : tile_features;
            for (ptrdiff_t i = 0; i < events; i++) {
                const float *restrict row = source + (e0 + i) * rowLength + k0;
                int64_t *restrict code = codes[i];
                int ok = 1;
                for (ptrdiff_t k = 0; k < features; k++) {
                    double t = (double)row[k] * scale + half;
                    const int inRange = fabs(t) < 0x1p31; /* false for NaN; int32 conversions vectorize */
                    ok &= inRange;
                    t = inRange ? t : 0;
                    const int64_t v = (int32_t)floor(t);
                    const int64_t clamped = v < lo ? lo : (v > hi ? hi : v);
                    const int64_t wrapped = (int64_t)((uint64_t)v << unused) >> unused;
                    code[k] = saturate ? clamped : wrapped;
                }
                exact &= ok;
            }
            for (ptrdiff_t k = 0; k < features; k++) {
                int64_t *restrict column = out + (k0 + k) * outStride + e0;
                for (ptrdiff_t i = 0; i < events; i++) column[i] = codes[i][k];
            }
        }
    }
    return exact;
}
