#include "fixed_kernels.h"
#include "clones.h"

/* The GRU's elementwise step over lanes (see fixed_kernels.h). Compiled twice (AVX2 and the
   baseline) and picked at load time. The lane loops are specialized (by always-inlined
   functions with constant flags) so that they have no branches and the compiler vectorizes
   them, map lookups included (AVX2 gathers). Products are int32 × int32 → int64 (the caller
   checks that every code and 1 - z fit int32); a wrap keeps the low bits, so it is done on
   the low 32 bits. */
#define TRIGC_INLINE __attribute__((always_inline)) static inline

typedef struct {
    int64_t half, lo, hi;
    int32_t shift, unused;
} conversion;

TRIGC_INLINE conversion load(trigc_conversion c) {
    conversion r = {c.half, c.lo, c.hi, c.shift, 32 - c.width};
    return r;
}

/* conv(v -> F) of an exact int64 value, for F at most 32 bits wide. */
TRIGC_INLINE int32_t convert(conversion c, const int saturate, int64_t v) {
    v = (v + c.half) >> c.shift;
    if (saturate) return (int32_t)(v < c.lo ? c.lo : (v > c.hi ? c.hi : v));
    return (int32_t)((uint32_t)(uint64_t)v << c.unused) >> c.unused;
}

/* conv(v -> A) of a sum of two accumulator codes (no shift: A has at most 16 bits, so the
   sum fits int32). */
TRIGC_INLINE int32_t accumulate(conversion a, const int saturate, int32_t v) {
    if (saturate) return v < (int32_t)a.lo ? (int32_t)a.lo : (v > (int32_t)a.hi ? (int32_t)a.hi : v);
    return (int32_t)((uint32_t)v << a.unused) >> a.unused;
}

TRIGC_INLINE int64_t shifted(int64_t v, int32_t left) { return (int64_t)((uint64_t)v << left); }

TRIGC_INLINE void reset_row(const trigc_gru_gates *plan, const int aSat, const int pSat, const int after,
                            const int32_t *restrict xr, const int32_t *restrict hr, const int32_t *restrict xh,
                            int32_t *restrict hh, const int32_t *restrict h, int32_t *restrict out, ptrdiff_t n) {
    const conversion a = load(plan->accumulator), g = load(plan->gateAccumulator), product = load(plan->resetProduct);
    const int32_t *restrict gate = plan->gateMap + plan->gateMapOffset;
    for (ptrdiff_t e = 0; e < n; e++) {
        const int32_t r = gate[accumulate(g, aSat, xr[e] + hr[e])];
        if (after) {
            hh[e] = accumulate(a, aSat, xh[e] + convert(product, pSat, (int64_t)r * hh[e]));
        } else {
            out[e] = convert(product, pSat, (int64_t)r * h[e]);
        }
    }
}

TRIGC_INLINE void update_row(const trigc_gru_gates *plan, const int aSat, const int sSat, const int after,
                             const int32_t *restrict xz, const int32_t *restrict hz, const int32_t *restrict xh,
                             const int32_t *restrict hh, int32_t *restrict h, const uint8_t *restrict active,
                             ptrdiff_t n) {
    const conversion a = load(plan->accumulator), g = load(plan->gateAccumulator), next = load(plan->state);
    const int32_t *restrict gate = plan->gateMap + plan->gateMapOffset;
    const int32_t *restrict candidate = plan->candidateMap + plan->mapOffset;
    const int32_t one = (int32_t)plan->one, keptShift = plan->keptShift, freshShift = plan->freshShift;
    for (ptrdiff_t e = 0; e < n; e++) {
        const int32_t z = gate[accumulate(g, aSat, xz[e] + hz[e])];
        /* Reset after: hh already holds the candidate's pre-activation (trigc_gru_reset). */
        const int32_t c = candidate[after ? hh[e] : accumulate(a, aSat, xh[e] + hh[e])];
        const int64_t sum = shifted((int64_t)z * h[e], keptShift) + shifted((int64_t)(one - z) * c, freshShift);
        const int32_t fresh = convert(next, sSat, sum);
        h[e] = active[e] ? fresh : h[e];
    }
}

/* One call per (accumulators SAT, other SAT, reset after) combination, each loop branch-free. */
#define TRIGC_DISPATCH(call)                                 \
    if (aSat) {                                              \
        if (oSat) { if (after) call(1, 1, 1) else call(1, 1, 0) } \
        else { if (after) call(1, 0, 1) else call(1, 0, 0) }      \
    } else {                                                 \
        if (oSat) { if (after) call(0, 1, 1) else call(0, 1, 0) } \
        else { if (after) call(0, 0, 1) else call(0, 0, 0) }      \
    }

TRIGC_CLONES
void trigc_gru_reset(const trigc_gru_gates *plan, const int32_t *xw, int32_t *hw, const int32_t *state,
                     int32_t *reset, int32_t lanes) {
    const ptrdiff_t n = lanes, u = plan->units;
    const int aSat = plan->accumulator.saturate, oSat = plan->resetProduct.saturate, after = plan->resetAfter;
    for (ptrdiff_t j = 0; j < u; j++) {
        const int32_t *xr = xw + (u + j) * n, *hr = hw + (u + j) * n, *xh = xw + (2 * u + j) * n;
        int32_t *hh = hw + (2 * u + j) * n;
#define TRIGC_RESET(A, O, R) { reset_row(plan, A, O, R, xr, hr, xh, hh, state + j * n, reset + j * n, n); }
        TRIGC_DISPATCH(TRIGC_RESET)
#undef TRIGC_RESET
    }
}

TRIGC_CLONES
void trigc_gru_update(const trigc_gru_gates *plan, const int32_t *xw, const int32_t *hw, int32_t *state,
                      const uint8_t *active, int32_t lanes) {
    const ptrdiff_t n = lanes, u = plan->units;
    const int aSat = plan->accumulator.saturate, oSat = plan->state.saturate, after = plan->resetAfter;
    for (ptrdiff_t j = 0; j < u; j++) {
        const int32_t *xz = xw + j * n, *hz = hw + j * n, *xh = xw + (2 * u + j) * n, *hh = hw + (2 * u + j) * n;
#define TRIGC_UPDATE(A, O, R) { update_row(plan, A, O, R, xz, hz, xh, hh, state + j * n, active, n); }
        TRIGC_DISPATCH(TRIGC_UPDATE)
#undef TRIGC_UPDATE
    }
}
