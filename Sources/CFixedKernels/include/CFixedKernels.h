#ifndef TRIGC_CFIXEDKERNELS_H
#define TRIGC_CFIXEDKERNELS_H

#include <stddef.h>
#include <stdint.h>

/* One fixed-point matrix product over a block of events (lanes), in 32-bit integers:
   out[c][e] = conv_A( bias[c] + sum_i conv_A( matrix[i][c] * x[i][e] ) ) for c in
   [columnStart, columnEnd), e in [0, lanes). conv_A of a product is an arithmetic right
   shift by `shift` after adding `half` (0 for truncation, 2^(shift-1) for AP_RND), then
   either nothing (WRAP: the wrap of a sum only depends on the low bits of its terms, so it
   is applied once at the end, to `accumulatorWidth` bits) or a clamp to [lo, hi] (SAT).
   The caller guarantees that every product plus `half` fits in int32 and, for SAT, that the
   exact sum does too; then the result equals the interpreter's 64-bit rule bit for bit. */
typedef struct {
    const int32_t *matrix;   /* [count][width], row-major */
    int32_t width;
    int32_t columnStart;
    int32_t columnEnd;
    const int32_t *bias;     /* [width], or NULL for zeros */
    int32_t shift;
    int32_t half;
    int32_t saturate;        /* 0: WRAP, 1: SAT */
    int32_t accumulatorWidth;
    int32_t lo;
    int32_t hi;
} trigc_fixed_linear;

void trigc_fixed_linear_block(const trigc_fixed_linear *plan, const int32_t *x, ptrdiff_t xStride, int32_t count,
                              int32_t *out, ptrdiff_t outStride, int32_t lanes);

#endif
