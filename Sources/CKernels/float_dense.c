#include <string.h>

#include "float_kernels.h"
#include "clones.h"

/* The float dense layer on event-major rows. Each output starts from its bias and adds the
   products in order of the input feature, a multiply then an add (no fused multiply-add),
   so an event gets the same bits whatever rows share its call. Tiles of 4 rows × 8 columns
   keep their sums in vector registers; weights and bias come padded to a multiple of 8
   columns (zeros), so every tile is whole and only the valid columns are stored. */
#pragma clang fp contract(off)


typedef float v8 __attribute__((vector_size(32)));

/* Loads and stores as macros: a v8 passed to a function would need AVX in its ABI. */
#define LOAD8(v, p) memcpy(&(v), (p), sizeof(v))
#define STORE(p, v, count)                                                   \
    do {                                                                     \
        if ((count) >= 8) {                                                  \
            memcpy((p), &(v), sizeof(v));                                    \
        } else {                                                             \
            for (int32_t c_ = 0; c_ < (count); c_++) (p)[c_] = (v)[c_];      \
        }                                                                    \
    } while (0)

TRIGC_CLONES
void trigc_float_dense_rows(const float *x, int32_t rows, int32_t in, const float *weights, const float *bias,
                            int32_t out, int32_t stride, float *y) {
    int32_t r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *x0 = x + (ptrdiff_t)r * in, *x1 = x0 + in, *x2 = x1 + in, *x3 = x2 + in;
        for (int32_t c0 = 0; c0 < out; c0 += 8) {
            v8 b;
            LOAD8(b, bias + c0);
            v8 a0 = b, a1 = b, a2 = b, a3 = b;
            for (int32_t i = 0; i < in; i++) {
                v8 w;
                LOAD8(w, weights + (ptrdiff_t)i * stride + c0);
                a0 = a0 + w * x0[i];
                a1 = a1 + w * x1[i];
                a2 = a2 + w * x2[i];
                a3 = a3 + w * x3[i];
            }
            float *yr = y + (ptrdiff_t)r * out + c0;
            STORE(yr, a0, out - c0);
            STORE(yr + out, a1, out - c0);
            STORE(yr + 2 * out, a2, out - c0);
            STORE(yr + 3 * out, a3, out - c0);
        }
    }
    for (; r < rows; r++) {
        const float *xr = x + (ptrdiff_t)r * in;
        for (int32_t c0 = 0; c0 < out; c0 += 8) {
            v8 a;
            LOAD8(a, bias + c0);
            for (int32_t i = 0; i < in; i++) {
                v8 w;
                LOAD8(w, weights + (ptrdiff_t)i * stride + c0);
                a = a + w * xr[i];
            }
            float *yr = y + (ptrdiff_t)r * out + c0;
            STORE(yr, a, out - c0);
        }
    }
}
