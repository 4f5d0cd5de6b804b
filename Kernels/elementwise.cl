// Matrix and elementwise kernels. A matrix argument is (pointer, offset, stride): element
// (i, j) is at offset + i·stride + j. 2-D launches are (columns, rows).

__kernel void copy_matrix(const int rows, const int cols, __global const float* s, const int so, const int ss,
                          __global float* d, const int dof, const int ds) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) d[dof + i * ds + j] = s[so + i * ss + j];
}

__kernel void add_matrix(const int rows, const int cols, __global const float* s, const int so, const int ss,
                         __global float* d, const int dof, const int ds) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) d[dof + i * ds + j] += s[so + i * ss + j];
}

__kernel void multiply_matrix(const int rows, const int cols, __global const float* s, const int so, const int ss,
                              __global float* d, const int dof, const int ds) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) d[dof + i * ds + j] *= s[so + i * ss + j];
}

// Every row of d becomes v[vo ..< vo + cols].
__kernel void broadcast_rows(const int rows, const int cols, __global const float* v, const int vo,
                             __global float* d, const int dof, const int ds) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) d[dof + i * ds + j] = v[vo + j];
}

// Column reduction (a bias gradient): v[vo + j] (+)= Σ_i x[i, j], rows summed in order so
// the result equals the CPU device's loop bit for bit. One work item per column.
__kernel void sum_rows(const int rows, const int cols, __global const float* x, const int xo, const int xs,
                       __global float* v, const int vo, const int accumulate) {
    const int j = get_global_id(0);
    if (j >= cols) return;
    float sum = accumulate ? v[vo + j] : 0.0f;
    for (int i = 0; i < rows; i++) sum += x[xo + i * xs + j];
    v[vo + j] = sum;
}

__kernel void activate_matrix(const int rows, const int cols, const int fn, const float p0, const float p1,
                              __global const float* x, const int xo, const int xs,
                              __global float* y, const int yo, const int ys) {
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < rows && j < cols) y[yo + i * ys + j] = activate(fn, p0, p1, x[xo + i * xs + j]);
}

// Stable softmax over each row (one work item per row): exp(x - max) / Σ, as the CPU device.
__kernel void softmax_rows(const int rows, const int cols, __global const float* x, const int xo, const int xs,
                           __global float* y, const int yo, const int ys) {
    const int i = get_global_id(0);
    if (i >= rows || cols <= 0) return;
    __global const float* xi = x + xo + i * xs;
    __global float* yi = y + yo + i * ys;
    float m = xi[0];
    for (int j = 1; j < cols; j++) m = fmax(m, xi[j]);
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) {
        const float e = exp(xi[j] - m);
        yi[j] = e;
        sum += e;
    }
    const float inverse = 1.0f / sum;
    for (int j = 0; j < cols; j++) yi[j] *= inverse;
}

__kernel void activation_gradient(const int count, const int fn, const float p0, __global const float* y,
                                  __global const float* dy, __global float* dx) {
    const int i = get_global_id(0);
    if (i < count) dx[i] = dy[i] * derivative(fn, p0, y[i]);
}

// dx_i = y_i · (dy_i - Σ_j dy_j · y_j) on each row.
__kernel void softmax_gradient(const int rows, const int cols, __global const float* y, const int yo, const int ys,
                               __global const float* dy, const int go, const int gs,
                               __global float* dx, const int dof, const int ds) {
    const int i = get_global_id(0);
    if (i >= rows) return;
    float dot = 0.0f;
    for (int j = 0; j < cols; j++) dot += dy[go + i * gs + j] * y[yo + i * ys + j];
    for (int j = 0; j < cols; j++) {
        const float yj = y[yo + i * ys + j];
        dx[dof + i * ds + j] = yj * (dy[go + i * gs + j] - dot);
    }
}

__kernel void multiply(const int count, __global const float* a, __global const float* b, __global float* c) {
    const int i = get_global_id(0);
    if (i < count) c[i] = a[i] * b[i];
}

// mask[s] = 1 when some feature of step s differs from value, else 0.
__kernel void sequence_mask(const int steps, const int features, const float value, __global const float* x,
                            __global float* mask) {
    const int s = get_global_id(0);
    if (s >= steps) return;
    float valid = 0.0f;
    for (int f = 0; f < features; f++) {
        if (x[s * features + f] != value) { valid = 1.0f; break; }
    }
    mask[s] = valid;
}
