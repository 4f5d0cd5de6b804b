#ifndef TRIGC_FIXED_KERNELS_H
#define TRIGC_FIXED_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* One fixed-point matrix product over a block of events (lanes), in 32-bit integers:
   out[c][e] = conv_A( bias[c] + sum_i conv_A( matrix[i][c] * x[i][e] ) ) for c in
   [columnStart, columnEnd), e in [0, lanes). conv_A of a product is an arithmetic right
   shift by `shift` after adding `half` (0 for truncation, 2^(shift-1) for AP_RND), then
   either nothing (WRAP: the wrap of a sum only depends on the low bits of its terms, so it
   is applied once at the end, to `accumulatorWidth` bits) or a clamp to [lo, hi] (SAT).
   The caller guarantees that every product plus `half` fits in int32 and, for SAT, that the
   exact sum does too; then the result equals the interpreter's 64-bit rule bit for bit.
   With `narrowMatrix` set the caller also guarantees that every matrix entry and every x
   fits in int16, so one 16-bit multiply-add gives each product (AVX2 `vpmaddwd`). */
typedef struct {
    const int32_t *matrix;   /* [count][width], row-major */
    int32_t width;
    int32_t columnStart;
    int32_t columnEnd;
    const int32_t *bias;     /* [width], or NULL for zeros */
    int32_t shift;
    int32_t half;
    int32_t saturate;        /* 0: WRAP, 1: SAT */
    int32_t clampProducts;   /* SAT: 0 when the caller knows no product leaves [lo, hi] (the clamp is then the identity) */
    int32_t accumulatorWidth;
    int32_t lo;
    int32_t hi;
    const int32_t *narrowMatrix; /* the matrix's low 16 bits, zero-extended, when it and x fit int16; else NULL */
    int32_t vector;          /* 1: the register-blocked AVX2 kernel where the CPU has it; 0: the portable loops */
} trigc_fixed_linear;

void trigc_fixed_linear_block(const trigc_fixed_linear *plan, const int32_t *x, ptrdiff_t xStride, int32_t count,
                              int32_t *out, ptrdiff_t outStride, int32_t lanes);

/* A conversion conv(v -> F) of an exact value, for F signed with TRN or RND and WRAP or SAT:
   v' = (v + half) >> shift (arithmetic), then the low `width` bits sign-extended (WRAP) or a
   clamp to [lo, hi] (SAT). This is FixedFormat.convert(raw:fractionalBits:) for those modes
   whenever v + half fits in int64. */
typedef struct {
    int32_t shift;
    int32_t saturate;        /* 0: WRAP, 1: SAT */
    int32_t width;
    int32_t unused;
    int64_t half;
    int64_t lo;
    int64_t hi;
} trigc_conversion;

/* The GRU's per-step elementwise arithmetic over lanes (Docs/Interpreter.md, "gru"), with
   the gate and the candidate activation given as maps from every code of their sums' format
   (G for the gates, A for the candidate) to the activation's output code:
   gateMap[g + gateMapOffset], candidateMap[a + mapOffset]. Arrays are [row][lanes] with rows
   of 3u for the projections xw and hw (z, r in G; h in A) and u for the state and r ⊙ h.
   The caller checks that A and G have at most 16 bits and one overflow mode, that the maps'
   codes and 1 - z fit int32, and that products and sums are exact in int64. */
typedef struct {
    int32_t units;
    int32_t resetAfter;
    const int32_t *gateMap;
    const int32_t *candidateMap;
    int64_t mapOffset;       /* -A.minRaw */
    int64_t gateMapOffset;   /* -G.minRaw */
    int64_t one;             /* 1 in the gate's output scale */
    int32_t keptShift;       /* aligns z·h to F_z + max(F_R, F_c) */
    int32_t freshShift;      /* aligns (1 - z)·c likewise */
    trigc_conversion accumulator;   /* conv(xw + hw -> A): shift 0 */
    trigc_conversion gateAccumulator;  /* conv(xw + hw -> G): shift 0 */
    trigc_conversion resetProduct;  /* conv(r·hh -> A) (reset after) or conv(r·h -> R) (reset before) */
    trigc_conversion state;         /* conv(z·h + (1 - z)·c -> R) */
} trigc_gru_gates;

/* r for every unit and lane; reset after: hw[2u + j] = conv(xw[2u + j] + conv(r·hw[2u + j] -> A) -> A);
   reset before: reset[j] = conv(r·state[j] -> R). */
void trigc_gru_reset(const trigc_gru_gates *plan, const int32_t *xw, int32_t *hw, const int32_t *state,
                     int32_t *reset, int32_t lanes);

/* z, the candidate c (reset before: of conv(xw + hw -> A)) and the new state
   conv(z·h + (1 - z)·c -> R), written to the lanes whose active[e] is nonzero. */
void trigc_gru_update(const trigc_gru_gates *plan, const int32_t *xw, const int32_t *hw, int32_t *state,
                      const uint8_t *active, int32_t lanes);

/* Quantization of float inputs to a signed format with TRN or RND and WRAP or SAT:
   t = x·2^F + half (exact in double: 24 significant bits, half = 0.5 for RND, else 0),
   floor(t), then the low 64 - unused bits sign-extended (WRAP) or a clamp to [lo, hi] (SAT).
   FixedFormat.quantize for those modes whenever |t| < 2^31 (then floor(t) is an int32). */
typedef struct {
    double scale;
    double half;
    int64_t lo;
    int64_t hi;
    int32_t saturate;        /* 0: WRAP, 1: SAT */
    int32_t unused;          /* 64 - width */
} trigc_quantizer;

/* out[k][e] = quantize(source[e·rowLength + k]) for e in [0, lanes), k in [0, columns).
   Returns 0 when some |t| was 2^31 or more, or NaN: the caller then quantizes the block
   again with the general rule. */
int trigc_quantize_lanes(const trigc_quantizer *q, const float *source, ptrdiff_t rowLength, int32_t lanes,
                         int32_t columns, int64_t *out, ptrdiff_t outStride);

#endif
