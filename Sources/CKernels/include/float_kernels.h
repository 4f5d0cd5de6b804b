#ifndef TRIGC_FLOAT_KERNELS_H
#define TRIGC_FLOAT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* The float GRU over a block of events (lanes), feature-major: arrays are [row][lanes].
   Every lane is computed with the same float operations in the same order, whichever code
   path (AVX2 or portable) and position in the block it gets: no fused multiply-adds, no
   reassociation. So an event's result does not depend on the batch around it. */

/* out[c][e] = bias[c] + sum_i matrix[i][c] * x[i][e] (summed in order of i), for c in
   [columnStart, columnEnd), e in [0, lanes). */
typedef struct {
    const float *matrix;     /* [count][width], row-major */
    int32_t width;
    int32_t columnStart;
    int32_t columnEnd;
    const float *bias;       /* [width], or NULL for zeros */
} trigc_float_linear;

void trigc_float_linear_block(const trigc_float_linear *plan, const float *x, ptrdiff_t xStride, int32_t count,
                              float *out, ptrdiff_t outStride, int32_t lanes);

/* y[r][c] = bias[c] + sum_i x[r][i] * weights[i][c] (summed in order of i, as
   trigc_float_linear_block sums), for r in [0, rows), c in [0, out); rows are event-major.
   weights is [in][stride] and bias [stride], stride = out rounded up to a multiple of 8,
   the extra columns zeros. */
void trigc_float_dense_rows(const float *x, int32_t rows, int32_t in, const float *weights, const float *bias,
                            int32_t out, int32_t stride, float *y);

/* Keras's elementwise activations. tanh and sigmoid use an exp with a relative error of a
   few float ulps (Cephes' expf polynomial), not libm. */
typedef enum {
    trigc_float_linear_activation = 0,
    trigc_float_relu = 1,
    trigc_float_leaky_relu = 2,    /* a: alpha */
    trigc_float_tanh = 3,
    trigc_float_sigmoid = 4,
    trigc_float_hard_sigmoid = 5,  /* a: slope, b: offset */
} trigc_float_activation_kind;

typedef struct {
    int32_t kind;
    float a;
    float b;
} trigc_float_activation;

/* y[e] = activation(y[e]) for e in [0, count). */
void trigc_float_activate(trigc_float_activation activation, float *y, int32_t count);

typedef struct {
    int32_t units;
    int32_t resetAfter;
    trigc_float_activation gate;
    trigc_float_activation candidate;
} trigc_float_gru;

/* r = gate(xw_r + hw_r); reset after: hw_h = xw_h + r * hw_h (the candidate's pre-activation);
   reset before: rh = r * h. `rows` is scratch for `lanes` floats. */
void trigc_float_gru_reset(const trigc_float_gru *plan, const float *xw, float *hw, const float *h, float *rh,
                           float *rows, int32_t lanes);

/* z = gate(xw_z + hw_z), c = candidate(reset after: hw_h; before: xw_h + hw_h), and
   h = z * h + (1 - z) * c in the lanes whose active[e] is nonzero. `rows` is scratch for
   2 * lanes floats. */
void trigc_float_gru_update(const trigc_float_gru *plan, const float *xw, const float *hw, float *h,
                            const uint8_t *active, float *rows, int32_t lanes);

#endif
