// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;
// do not edit: a test fails when this file and Kernels/ differ.

extension KernelSources {
    /// `Kernels/gru_sequence.cl`.
    static let gru_sequence = #"""
// Persistent GRU kernels: a whole sequence (all T steps) in one launch, forward or backward,
// the same arithmetic as gru.cl's step kernels plus the recurrent products the host
// otherwise runs as one sgemm per step. A work-group owns E events (local size (L, E): item
// (l, le) handles units j = l, l + L, ... of event group·E + le); the state (forward) or its
// gradient (backward) lives in local memory, double-buffered, one barrier between phases.
// Events past n still reach every barrier but touch no global memory.
//
// Layouts (the GRU layer's buffers, offset 0): x = x·W + b_in event-major [n·T, 3u] (row
// e·T + t); U [u, 3u]; time-major [T·n, ·] rows t·n + e for hw (recurrent projection), z, r,
// c, r ⊙ h; states [(T+1)·n, u] (row 0 the initial state); mask [n, T] (stride ms per event,
// +t per step; hasMask = 0: no masking). The recurrent bias (reset-after only) is
// bias[bo .. bo + 3u). Products accumulate with fma in index order.

#define ROW(p, row, cols) ((p) + (size_t)(row) * (cols))

// Forward: per step hw = h·U (+ b_rec), gates, candidate and h' (a masked step keeps h),
// saving hw, z, r, c, r ⊙ h and every state for the backward kernel. Local: hl 2·E·u,
// rhl E·u floats.
__kernel void gru_sequence_forward(const int n, const int T, const int u, const int resetAfter,
                                   const int act, const float ap0, const float ap1,
                                   const int ract, const float rp0, const float rp1,
                                   __global const float* x, __global const float* U,
                                   __global const float* bias, const int bo,
                                   __global float* hw, __global float* states,
                                   __global float* zs, __global float* rs, __global float* cs,
                                   __global float* rhs,
                                   __global const float* mask, const int mo, const int ms, const int hasMask,
                                   __local float* hl, __local float* rhl) {
    const int L = get_local_size(0), E = get_local_size(1);
    const int l = get_local_id(0), le = get_local_id(1);
    const int e = get_group_id(1) * E + le;
    const int live = e < n, w = 3 * u;
    __local float* h = hl + le * u;
    __local float* hn = hl + (E + le) * u;
    __local float* rh = rhl + le * u;
    for (int j = l; j < u; j += L) h[j] = live ? ROW(states, e, u)[j] : 0.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int t = 0; t < T; t++) {
        const size_t row = (size_t)t * n + e;
        __global const float* xe = ROW(x, (size_t)e * T + t, w);
        // Reset-before: r and r ⊙ h first (the candidate's product needs all of r ⊙ h).
        if (live && !resetAfter) {
            for (int j = l; j < u; j += L) {
                float a = 0.0f;
                for (int i = 0; i < u; i++) a = fma(h[i], U[i * w + u + j], a);
                ROW(hw, row, w)[u + j] = a;
                const float r = activate(ract, rp0, rp1, xe[u + j] + a);
                ROW(rs, row, u)[j] = r;
                rh[j] = r * h[j];
                ROW(rhs, row, u)[j] = rh[j];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (live) {
            const int valid = !hasMask || mask[mo + e * ms + t] != 0.0f;
            for (int j = l; j < u; j += L) {
                float az = 0.0f, ar = 0.0f, ah = 0.0f;
                __local const float* hh = resetAfter ? h : rh;
                for (int i = 0; i < u; i++) {
                    az = fma(h[i], U[i * w + j], az);
                    ah = fma(hh[i], U[i * w + 2 * u + j], ah);
                }
                float c;
                if (resetAfter) {
                    for (int i = 0; i < u; i++) ar = fma(h[i], U[i * w + u + j], ar);
                    az = az + bias[bo + j];
                    ar = ar + bias[bo + u + j];
                    ah = ah + bias[bo + 2 * u + j];
                    const float r = activate(ract, rp0, rp1, xe[u + j] + ar);
                    ROW(rs, row, u)[j] = r;
                    ROW(hw, row, w)[u + j] = ar;
                    c = activate(act, ap0, ap1, xe[2 * u + j] + r * ah);
                } else {
                    c = activate(act, ap0, ap1, xe[2 * u + j] + ah);
                }
                ROW(hw, row, w)[j] = az;
                ROW(hw, row, w)[2 * u + j] = ah;
                const float z = activate(ract, rp0, rp1, xe[j] + az);
                ROW(zs, row, u)[j] = z;
                ROW(cs, row, u)[j] = c;
                const float hp = h[j];
                const float next = valid ? z * hp + (1.0f - z) * c : hp;
                hn[j] = next;
                ROW(states, row + n, u)[j] = next;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        __local float* swap = h;
        h = hn;
        hn = swap;
    }
}

// Backward through time from dh = ∂L/∂h_T [n, u]: per step (t = T-1 … 0) the gate
// pre-activation gradients into dx (event-major, as x) and dhw (time-major, as hw), then
// ∂L/∂h_{t-1} = dh ⊙ z (+ ∂L/∂(r ⊙ h) ⊙ r, reset-before) + dhw·Uᵀ; a masked step passes dh
// through and gets zero gradients. Local: dl 2·E·u, gl E·3u floats.
__kernel void gru_sequence_backward(const int n, const int T, const int u, const int resetAfter,
                                    const int act, const float ap0, const int ract, const float rp0,
                                    __global const float* dh, __global float* dx, __global float* dhw,
                                    __global const float* U, __global const float* hw,
                                    __global const float* states, __global const float* zs,
                                    __global const float* rs, __global const float* cs,
                                    __global const float* mask, const int mo, const int ms, const int hasMask,
                                    __local float* dl, __local float* gl) {
    const int L = get_local_size(0), E = get_local_size(1);
    const int l = get_local_id(0), le = get_local_id(1);
    const int e = get_group_id(1) * E + le;
    const int live = e < n, w = 3 * u;
    __local float* g = dl + le * u;
    __local float* gn = dl + (E + le) * u;
    __local float* d = gl + le * w;
    for (int j = l; j < u; j += L) g[j] = live ? ROW(dh, e, u)[j] : 0.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int t = T - 1; t >= 0; t--) {
        const size_t row = (size_t)t * n + e;
        __global float* dxe = ROW(dx, (size_t)e * T + t, w);
        __global float* dwe = ROW(dhw, row, w);
        const int valid = live && (!hasMask || mask[mo + e * ms + t] != 0.0f);
        if (live) {
            for (int j = l; j < u; j += L) {
                const float gj = g[j];
                if (!valid) {
                    gn[j] = gj;
                    for (int k = 0; k < 3; k++) {
                        dxe[k * u + j] = 0.0f;
                        dwe[k * u + j] = 0.0f;
                        d[k * u + j] = 0.0f;
                    }
                    continue;
                }
                const float z = ROW(zs, row, u)[j], c = ROW(cs, row, u)[j];
                const float dz = gj * (ROW(states, row, u)[j] - c) * derivative(ract, rp0, z);
                const float dc = gj * (1.0f - z) * derivative(act, ap0, c);
                gn[j] = gj * z;
                dxe[j] = dz;
                dwe[j] = dz;
                d[j] = dz;
                dxe[2 * u + j] = dc;
                if (resetAfter) {
                    const float r = ROW(rs, row, u)[j];
                    const float dr = dc * ROW(hw, row, w)[2 * u + j] * derivative(ract, rp0, r);
                    dxe[u + j] = dr;
                    dwe[u + j] = dr;
                    d[u + j] = dr;
                    dwe[2 * u + j] = dc * r;
                    d[2 * u + j] = dc * r;
                } else {
                    dwe[2 * u + j] = dc;
                    d[2 * u + j] = dc;
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        // Reset-before: ∂L/∂(r ⊙ h) = dhw_h·U_hᵀ, then the reset gate's gradients.
        if (valid && !resetAfter) {
            for (int j = l; j < u; j += L) {
                float drh = 0.0f;
                for (int k = 0; k < u; k++) drh = fma(d[2 * u + k], U[j * w + 2 * u + k], drh);
                const float r = ROW(rs, row, u)[j];
                const float dr = drh * ROW(states, row, u)[j] * derivative(ract, rp0, r);
                dxe[u + j] = dr;
                dwe[u + j] = dr;
                d[u + j] = dr;
                gn[j] += drh * r;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (valid) {
            const int columns = resetAfter ? w : 2 * u;
            for (int j = l; j < u; j += L) {
                float a = 0.0f;
                for (int k = 0; k < columns; k++) a = fma(d[k], U[j * w + k], a);
                gn[j] = a + gn[j];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        __local float* swap = g;
        g = gn;
        gn = swap;
    }
}
"""#
}
