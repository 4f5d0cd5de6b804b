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

// acc[c0 + j] = Σ_i v[i]·U[i·w + c0 + j] over i < u for this item's units j. L == 1 (one item
// per event, CPUs): U's rows innermost, contiguous and vectorizable; else one dot product per
// unit. Both sum with fma in index order from 0 (the same bits).
inline void gru_product(__local float* acc, __local const float* v, __global const float* U,
                        const int u, const int w, const int c0, const int l, const int L) {
    if (L == 1) {
        for (int j = 0; j < u; j++) acc[c0 + j] = 0.0f;
        for (int i = 0; i < u; i++) {
            const float vi = v[i];
            __global const float* row = U + i * w + c0;
            for (int j = 0; j < u; j++) acc[c0 + j] = fma(vi, row[j], acc[c0 + j]);
        }
    } else {
        for (int j = l; j < u; j += L) {
            float a = 0.0f;
            for (int i = 0; i < u; i++) a = fma(v[i], U[i * w + c0 + j], a);
            acc[c0 + j] = a;
        }
    }
}

// acc[j] = Σ_k d[c0 + k]·U[j·w + c0 + k] over k < cols (a row of dhw times Uᵀ), fma in k
// order. L == 1 reads Uᵀ from local ut ([3u][u], filled once per launch), contiguous.
inline void gru_transposed_product(__local float* acc, __local const float* d, __global const float* U,
                                   __local const float* ut, const int u, const int w, const int c0,
                                   const int cols, const int l, const int L) {
    if (L == 1) {
        for (int j = 0; j < u; j++) acc[j] = 0.0f;
        for (int k = 0; k < cols; k++) {
            const float dk = d[c0 + k];
            __local const float* row = ut + (c0 + k) * u;
            for (int j = 0; j < u; j++) acc[j] = fma(dk, row[j], acc[j]);
        }
    } else {
        for (int j = l; j < u; j += L) {
            float a = 0.0f;
            for (int k = 0; k < cols; k++) a = fma(d[c0 + k], U[j * w + c0 + k], a);
            acc[j] = a;
        }
    }
}

// Forward: per step hw = h·U (+ b_rec), gates, candidate and h' (a masked step keeps h),
// saving hw, z, r, c, r ⊙ h and every state for the backward kernel. Local: hl 2·E·u,
// rhl E·u, al E·3u floats (the products).
__kernel void gru_sequence_forward(const int n, const int T, const int u, const int resetAfter,
                                   const int act, const float ap0, const float ap1,
                                   const int ract, const float rp0, const float rp1,
                                   __global const float* x, __global const float* U,
                                   __global const float* bias, const int bo,
                                   __global float* hw, __global float* states,
                                   __global float* zs, __global float* rs, __global float* cs,
                                   __global float* rhs,
                                   __global const float* mask, const int mo, const int ms, const int hasMask,
                                   __local float* hl, __local float* rhl, __local float* al) {
    const int L = get_local_size(0), E = get_local_size(1);
    const int l = get_local_id(0), le = get_local_id(1);
    const int e = get_group_id(1) * E + le;
    const int live = e < n, w = 3 * u;
    __local float* h = hl + le * u;
    __local float* hn = hl + (E + le) * u;
    __local float* rh = rhl + le * u;
    __local float* a = al + le * w;
    for (int j = l; j < u; j += L) h[j] = live ? ROW(states, e, u)[j] : 0.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int t = 0; t < T; t++) {
        const size_t row = (size_t)t * n + e;
        __global const float* xe = ROW(x, (size_t)e * T + t, w);
        // Reset-before: r and r ⊙ h first (the candidate's product needs all of r ⊙ h).
        if (live && !resetAfter) {
            gru_product(a, h, U, u, w, u, l, L);
            for (int j = l; j < u; j += L) {
                ROW(hw, row, w)[u + j] = a[u + j];
                const float r = activate(ract, rp0, rp1, xe[u + j] + a[u + j]);
                ROW(rs, row, u)[j] = r;
                rh[j] = r * h[j];
                ROW(rhs, row, u)[j] = rh[j];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (live) {
            const int valid = !hasMask || mask[mo + e * ms + t] != 0.0f;
            gru_product(a, h, U, u, w, 0, l, L);
            gru_product(a, resetAfter ? h : rh, U, u, w, 2 * u, l, L);
            if (resetAfter) gru_product(a, h, U, u, w, u, l, L);
            for (int j = l; j < u; j += L) {
                float az = a[j], ar = a[u + j], ah = a[2 * u + j];
                float c;
                if (resetAfter) {
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
// through and gets zero gradients. Local: dl 2·E·u, gl E·3u, al E·u floats, and ut 3u·u
// (Uᵀ) when L == 1 (else unused).
__kernel void gru_sequence_backward(const int n, const int T, const int u, const int resetAfter,
                                    const int act, const float ap0, const int ract, const float rp0,
                                    __global const float* dh, __global float* dx, __global float* dhw,
                                    __global const float* U, __global const float* hw,
                                    __global const float* states, __global const float* zs,
                                    __global const float* rs, __global const float* cs,
                                    __global const float* mask, const int mo, const int ms, const int hasMask,
                                    __local float* dl, __local float* gl, __local float* al,
                                    __local float* ut) {
    const int L = get_local_size(0), E = get_local_size(1);
    const int l = get_local_id(0), le = get_local_id(1);
    const int e = get_group_id(1) * E + le;
    const int live = e < n, w = 3 * u;
    __local float* g = dl + le * u;
    __local float* gn = dl + (E + le) * u;
    __local float* d = gl + le * w;
    __local float* a = al + le * u;
    for (int j = l; j < u; j += L) g[j] = live ? ROW(dh, e, u)[j] : 0.0f;
    if (L == 1) {
        for (int k = le; k < w; k += E) {
            for (int j = 0; j < u; j++) ut[k * u + j] = U[j * w + k];
        }
    }
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
            gru_transposed_product(a, d, U, ut, u, w, 2 * u, u, l, L);
            for (int j = l; j < u; j += L) {
                const float drh = a[j];
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
            gru_transposed_product(a, d, U, ut, u, w, 0, resetAfter ? w : 2 * u, l, L);
            for (int j = l; j < u; j += L) gn[j] = a[j] + gn[j];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        __local float* swap = g;
        g = gn;
        gn = swap;
    }
}
"""#
}
