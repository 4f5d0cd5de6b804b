#ifndef TRIGC_CKERNELS_CLONES_H
#define TRIGC_CKERNELS_CLONES_H

/* A kernel marked TRIGC_CLONES is compiled twice, for AVX2 and the baseline, and the loader
   picks one by the CPU. Each float file also turns off contraction into fused multiply-adds
   (#pragma clang fp contract(off), which does not carry across files), so both versions
   round alike. */
#if defined(__x86_64__) && defined(__clang__)
#define TRIGC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TRIGC_CLONES
#endif

#endif
