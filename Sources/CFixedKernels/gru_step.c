#include "CFixedKernels.h"

/* The GRU's elementwise step over lanes (see CFixedKernels.h). Compiled twice (AVX2 and the
   baseline) and picked at load time; the lane loops have no branches for the compiler to
   vectorize. Left shifts go through uint64_t (a left shift of a negative int64 is undefined). */
#if defined(__x86_64__) && defined(__clang__)
#define TRIGC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TRIGC_CLONES
#endif

typedef struct {
    int64_t half, lo, hi;
    int32_t shift, unused, saturate;
} conversion;

static inline conversion load(trigc_conversion c) {
    conversion r = {c.half, c.lo, c.hi, c.shift, 64 - c.width, c.saturate};
    return r;
}

static inline int64_t convert(conversion c, int64_t v) {
    v = (v + c.half) >> c.shift;
    const int64_t clamped = v < c.lo ? c.lo : (v > c.hi ? c.hi : v);
    const int64_t wrapped = (int64_t)((uint64_t)v << c.unused) >> c.unused;
    return c.saturate ? clamped : wrapped;
}

static inline int64_t shifted(int64_t v, int32_t left) { return (int64_t)((uint64_t)v << left); }

TRIGC_CLONES
void trigc_gru_reset(const trigc_gru_gates *plan, const int32_t *xw, int32_t *hw, const int32_t *state,
                     int32_t *reset, int32_t lanes) {
    const ptrdiff_t n = lanes, u = plan->units;
    const conversion a = load(plan->accumulator), product = load(plan->resetProduct);
    const int32_t *restrict gate = plan->gateMap;
    const int64_t offset = plan->mapOffset;
    for (ptrdiff_t j = 0; j < u; j++) {
        const int32_t *restrict xr = xw + (u + j) * n;
        const int32_t *restrict hr = hw + (u + j) * n;
        if (plan->resetAfter) {
            const int32_t *restrict xh = xw + (2 * u + j) * n;
            int32_t *restrict hh = hw + (2 * u + j) * n;
            for (ptrdiff_t e = 0; e < n; e++) {
                const int64_t r = gate[convert(a, (int64_t)xr[e] + hr[e]) + offset];
                const int64_t rh = convert(product, r * hh[e]);
                hh[e] = (int32_t)convert(a, xh[e] + rh);
            }
        } else {
            const int32_t *restrict h = state + j * n;
            int32_t *restrict out = reset + j * n;
            for (ptrdiff_t e = 0; e < n; e++) {
                const int64_t r = gate[convert(a, (int64_t)xr[e] + hr[e]) + offset];
                out[e] = (int32_t)convert(product, r * h[e]);
            }
        }
    }
}

TRIGC_CLONES
void trigc_gru_update(const trigc_gru_gates *plan, const int32_t *xw, const int32_t *hw, int32_t *state,
                      const uint8_t *active, int32_t lanes) {
    const ptrdiff_t n = lanes, u = plan->units;
    const conversion a = load(plan->accumulator), next = load(plan->state);
    const int32_t *restrict gate = plan->gateMap;
    const int32_t *restrict candidate = plan->candidateMap;
    const int64_t offset = plan->mapOffset, one = plan->one;
    const int32_t keptShift = plan->keptShift, freshShift = plan->freshShift;
    const int resetAfter = plan->resetAfter;
    for (ptrdiff_t j = 0; j < u; j++) {
        const int32_t *restrict xz = xw + j * n;
        const int32_t *restrict hz = hw + j * n;
        const int32_t *restrict xh = xw + (2 * u + j) * n;
        const int32_t *restrict hh = hw + (2 * u + j) * n;
        int32_t *restrict h = state + j * n;
        for (ptrdiff_t e = 0; e < n; e++) {
            const int64_t z = gate[convert(a, (int64_t)xz[e] + hz[e]) + offset];
            /* Reset after: hh already holds the candidate's pre-activation (trigc_gru_reset). */
            const int64_t pre = resetAfter ? hh[e] : convert(a, (int64_t)xh[e] + hh[e]);
            const int64_t c = candidate[pre + offset];
            const int64_t sum = shifted(z * h[e], keptShift) + shifted((one - z) * c, freshShift);
            const int32_t fresh = (int32_t)convert(next, sum);
            h[e] = (active == 0 || active[e]) ? fresh : h[e];
        }
    }
}
