// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;
// do not edit: a test fails when this file and Kernels/ differ.

extension KernelSources {
    /// `Kernels/gru.cl`.
    static let gru = #"""
// Keras GRU time steps (gate order z, r, h), fused gate arithmetic, one work item per
// (unit j, event e): launches are (units, batch). The host runs the recurrent gemms between
// these kernels; these do everything elementwise. Matrix arguments are (pointer, offset,
// stride) as in elementwise.cl; x is x_t·W + b_in [n, 3u], hw is h_{t-1}·U (+ b_rec) [n, 3u].
// act/ract are the candidate and gate activation codes (common.cl) with their parameters.
// The mask (1 = valid step) has stride ms per event; hasMask = 0 means no masking.

#define AT(p, o, s, e, j) p[(o) + (e) * (s) + (j)]

// Reset-before only: r = ract(x_r + hw_r), rh = r ⊙ h (before the candidate's gemm).
__kernel void gru_reset_gate(const int n, const int u, const int ract, const float rp0, const float rp1,
                             __global const float* x, const int xo, const int xs,
                             __global const float* hw, const int hwo, const int hws,
                             __global const float* h, const int ho, const int hs,
                             __global float* r, const int ro, const int rs,
                             __global float* rh, const int rho, const int rhs) {
    const int j = get_global_id(0), e = get_global_id(1);
    if (j >= u || e >= n) return;
    const float gate = activate(ract, rp0, rp1, AT(x, xo, xs, e, u + j) + AT(hw, hwo, hws, e, u + j));
    AT(r, ro, rs, e, j) = gate;
    AT(rh, rho, rhs, e, j) = gate * AT(h, ho, hs, e, j);
}

// z = ract(x_z + hw_z); reset-after: r = ract(x_r + hw_r), c = act(x_h + r·hw_h);
// reset-before: c = act(x_h + hw_h) (hw_h already (r ⊙ h)·U_h). h' = z·h + (1 - z)·c, or h
// on a masked step. z, r, c are saved for backward.
__kernel void gru_forward(const int n, const int u, const int resetAfter,
                          const int act, const float ap0, const float ap1,
                          const int ract, const float rp0, const float rp1,
                          __global const float* x, const int xo, const int xs,
                          __global const float* hw, const int hwo, const int hws,
                          __global const float* h, const int ho, const int hs,
                          __global float* hn, const int hno, const int hns,
                          __global float* zs, const int zo, const int zst,
                          __global float* rs, const int ro, const int rst,
                          __global float* cs, const int co, const int cst,
                          __global const float* mask, const int mo, const int ms, const int hasMask) {
    const int j = get_global_id(0), e = get_global_id(1);
    if (j >= u || e >= n) return;
    const float z = activate(ract, rp0, rp1, AT(x, xo, xs, e, j) + AT(hw, hwo, hws, e, j));
    float c;
    if (resetAfter) {
        const float r = activate(ract, rp0, rp1, AT(x, xo, xs, e, u + j) + AT(hw, hwo, hws, e, u + j));
        AT(rs, ro, rst, e, j) = r;
        c = activate(act, ap0, ap1, AT(x, xo, xs, e, 2 * u + j) + r * AT(hw, hwo, hws, e, 2 * u + j));
    } else {
        c = activate(act, ap0, ap1, AT(x, xo, xs, e, 2 * u + j) + AT(hw, hwo, hws, e, 2 * u + j));
    }
    AT(zs, zo, zst, e, j) = z;
    AT(cs, co, cst, e, j) = c;
    const float hp = AT(h, ho, hs, e, j);
    const int valid = !hasMask || mask[mo + e * ms] != 0.0f;
    AT(hn, hno, hns, e, j) = valid ? z * hp + (1.0f - z) * c : hp;
}

// Backward of one step from dh = ∂L/∂h_t: the gate pre-activation gradients into dx (input
// projection) and dhw (recurrent projection), and dprev = dh ⊙ z (all of dh on a masked
// step, whose projections get zero gradient). Reset-before leaves the r columns to
// gru_reset_gate_backward.
__kernel void gru_backward(const int n, const int u, const int resetAfter,
                           const int act, const float ap0, const int ract, const float rp0,
                           __global const float* dh, const int dho, const int dhs,
                           __global float* dprev, const int dpo, const int dps,
                           __global float* dx, const int dxo, const int dxs,
                           __global float* dhw, const int dwo, const int dws,
                           __global const float* hw, const int hwo, const int hws,
                           __global const float* h, const int ho, const int hs,
                           __global const float* zs, const int zo, const int zst,
                           __global const float* rs, const int ro, const int rst,
                           __global const float* cs, const int co, const int cst,
                           __global const float* mask, const int mo, const int ms, const int hasMask) {
    const int j = get_global_id(0), e = get_global_id(1);
    if (j >= u || e >= n) return;
    const float g = AT(dh, dho, dhs, e, j);
    if (hasMask && mask[mo + e * ms] == 0.0f) {
        AT(dprev, dpo, dps, e, j) = g;
        for (int k = 0; k < 3; k++) {
            AT(dx, dxo, dxs, e, k * u + j) = 0.0f;
            AT(dhw, dwo, dws, e, k * u + j) = 0.0f;
        }
        return;
    }
    const float z = AT(zs, zo, zst, e, j), c = AT(cs, co, cst, e, j);
    const float dz = g * (AT(h, ho, hs, e, j) - c) * derivative(ract, rp0, z);
    const float dc = g * (1.0f - z) * derivative(act, ap0, c);
    AT(dprev, dpo, dps, e, j) = g * z;
    AT(dx, dxo, dxs, e, j) = dz;
    AT(dhw, dwo, dws, e, j) = dz;
    AT(dx, dxo, dxs, e, 2 * u + j) = dc;
    if (resetAfter) {
        const float r = AT(rs, ro, rst, e, j);
        const float dr = dc * AT(hw, hwo, hws, e, 2 * u + j) * derivative(ract, rp0, r);
        AT(dx, dxo, dxs, e, u + j) = dr;
        AT(dhw, dwo, dws, e, u + j) = dr;
        AT(dhw, dwo, dws, e, 2 * u + j) = dc * r;
    } else {
        AT(dhw, dwo, dws, e, 2 * u + j) = dc;
    }
}

// Reset-before only, after drh = ∂L/∂(r ⊙ h): the reset gate's gradients and
// dprev += drh ⊙ r.
__kernel void gru_reset_gate_backward(const int n, const int u, const int ract, const float rp0,
                                      __global const float* drh, const int dro, const int drs,
                                      __global float* dprev, const int dpo, const int dps,
                                      __global float* dx, const int dxo, const int dxs,
                                      __global float* dhw, const int dwo, const int dws,
                                      __global const float* h, const int ho, const int hs,
                                      __global const float* rs, const int ro, const int rst) {
    const int j = get_global_id(0), e = get_global_id(1);
    if (j >= u || e >= n) return;
    const float r = AT(rs, ro, rst, e, j), d = AT(drh, dro, drs, e, j);
    const float dr = d * AT(h, ho, hs, e, j) * derivative(ract, rp0, r);
    AT(dx, dxo, dxs, e, u + j) = dr;
    AT(dhw, dwo, dws, e, u + j) = dr;
    AT(dprev, dpo, dps, e, j) += d * r;
}
"""#
}
