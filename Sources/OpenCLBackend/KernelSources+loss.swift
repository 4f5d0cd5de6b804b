// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;
// do not edit: a test fails when this file and Kernels/ differ.

extension KernelSources {
    /// `Kernels/loss.cl`.
    static let loss = #"""
// Categorical cross-entropy of softmax probabilities against one-hot labels, one work item
// per row: the row's loss -Σ y·log(clip(p, 1e-7, 1 - 1e-7)) and whether its argmax (first on
// ties) matches the label's go to rows[i] and rows[rows + i] (one buffer, so the host reads
// both with one transfer and sums them in double; no probability is read back); the
// logit gradient (p - y) · inverse (inverse = 1 / batch) goes to g. With weighted != 0 the
// row's loss and gradient are multiplied by weights[label] (class weights, as Keras's
// class_weight; the host's Swift twin is CPUDevice.softmaxCrossEntropy).
__kernel void softmax_cross_entropy(const int rows, const int classes, const float inverse,
                                    __global const float* p, const int po, const int ps,
                                    __global const float* y, const int yo, const int ys,
                                    __global float* g, const int go, const int gs,
                                    __global float* rowSums,
                                    __global const float* weights, const int weighted) {
    const int i = get_global_id(0);
    if (i >= rows) return;
    __global const float* pi = p + po + i * ps;
    __global const float* yi = y + yo + i * ys;
    __global float* gi = g + go + i * gs;
    float loss = 0.0f;
    int best = 0, label = 0;
    for (int j = 0; j < classes; j++) {
        const float clipped = fmin(fmax(pi[j], 1e-7f), 1.0f - 1e-7f);
        if (yi[j] != 0.0f) loss -= yi[j] * log(clipped);
        gi[j] = (pi[j] - yi[j]) * inverse;
        if (pi[j] > pi[best]) best = j;
        if (yi[j] > yi[label]) label = j;
    }
    if (weighted) {
        const float w = weights[label];
        loss *= w;
        for (int j = 0; j < classes; j++) gi[j] *= w;
    }
    rowSums[i] = loss;
    rowSums[rows + i] = best == label ? 1.0f : 0.0f;
}
"""#
}
