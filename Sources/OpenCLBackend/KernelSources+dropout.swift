// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;
// do not edit: a test fails when this file and Kernels/ differ.

extension KernelSources {
    /// `Kernels/dropout.cl`.
    static let dropout = #"""
// Inverted dropout from a counter-based generator: element i's uniform number depends only
// on (key, i), never on the launch shape or thread order. The generator is the CPU device's
// (SplitMix64's finalizer over key + i·φ, key = mix(seed ^ mix(counter + c)) made on the
// host), so masks equal the CPU device's bit for bit. u = top 24 bits · 2^-24;
// scale = u < rate ? 0 : 1 / (1 - rate); y = x · scale.

inline ulong mix64(ulong z) {
    z += 0x9E3779B97F4A7C15UL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

__kernel void dropout(const int count, const float rate, const float keep, const ulong key,
                      __global const float* x, __global float* y, __global float* scale) {
    const int i = get_global_id(0);
    if (i >= count) return;
    const float u = (float)(mix64(key + (ulong)i * 0x9E3779B97F4A7C15UL) >> 40) * 0x1p-24f;
    const float s = u < rate ? 0.0f : keep;
    scale[i] = s;
    y[i] = x[i] * s;
}
"""#
}
