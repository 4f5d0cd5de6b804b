#ifndef TRIGC_CKERNELS_H
#define TRIGC_CKERNELS_H

/* The interpreter's C lane kernels: the fixed-point ones (fixed_*.c) and the float ones
   (float_*.c), vectorized, with one AVX2/baseline clone rule (clones.h). */
#include "fixed_kernels.h"
#include "float_kernels.h"

#endif
