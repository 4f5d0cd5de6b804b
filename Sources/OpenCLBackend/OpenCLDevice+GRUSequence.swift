import GraphIR
import OpenCLRuntime
import Training

/// How the persistent GRU kernels (`gru_sequence.cl`) split a batch: `unitItems` work items
/// per event, each looping over units `j, j + unitItems, …`, and `events` events per
/// work-group (local size `(unitItems, events)`).
public struct GRUTiling: Equatable, Sendable {
    public let unitItems: Int
    public let events: Int

    /// Work-groups for `batch` events (the last one may be partly empty).
    public func groups(batch: Int) -> Int { (batch + events - 1) / events }
}

// A GRU's whole recurrence in one launch per direction (`gru_sequence.cl`) instead of 2–4
// launches per time step; the per-step path stays the fallback.
extension OpenCLDevice {
    /// The size rule of the persistent GRU kernels, or nil to run step by step: `unitItems` =
    /// min(units, 64); `events` = min(``OpenCLOptions/gruTileEvents``, batch, 256 / unitItems,
    /// the device's work-group limit / unitItems), lowered until the backward kernel's local
    /// memory (5 · events · units floats: gradient double buffer and one dhw row per event)
    /// fits the device's local memory; nil when even one event does not fit, or when
    /// ``OpenCLOptions/persistentGRU`` is off.
    public func gruTiling(units: Int, batch: Int) -> GRUTiling? {
        guard options.persistentGRU, units > 0, batch > 0 else { return nil }
        let groupLimit = min(info.maxWorkGroupSize, 256)
        let unitItems = min(units, 64, groupLimit)
        let floats = info.localMemoryBytes / MemoryLayout<Float>.stride
        guard unitItems > 0, 5 * units <= floats else { return nil }
        var events = max(1, min(options.gruTileEvents, batch, groupLimit / unitItems))
        while events > 1 && 5 * events * units > floats { events -= 1 }
        return GRUTiling(unitItems: unitItems, events: events)
    }

    /// The mask as the kernels read it: `[n, T]`, one row per event.
    private func sequenceMask(_ s: GRUSequence) -> MatrixView? {
        s.mask.map { MatrixView($0, offset: 0, rows: s.batch, columns: s.steps, stride: s.steps) }
    }

    public func gruSequenceForward(_ s: GRUSequence) {
        guard let tiling = gruTiling(units: s.units, batch: s.batch) else { return gruSequenceForwardByStep(s) }
        let n = s.batch, u = s.units, events = tiling.events
        run { () throws(CLError) in
            guard s.steps > 0 else { return }
            try launch(.gruSequenceForward, global: [tiling.unitItems, tiling.groups(batch: n) * events],
                       local: [tiling.unitItems, events],
                       [.int(n), .int(s.steps), .int(u), .flag(s.resetAfter), .activation(s.activation),
                        .activation(s.recurrentActivation), .tensor(s.inputProjection), .tensor(s.recurrentKernel),
                        .tensor(s.bias), .int(s.resetAfter ? 3 * u : 0)]
                       + [s.recurrentProjection, s.states, s.z, s.r, s.candidate, s.resetState].map(KernelArgument.tensor)
                       + [.optionalView(sequenceMask(s)), .local(2 * events * u), .local(events * u)])
        }
    }

    public func gruSequenceBackward(_ s: GRUSequence, gradient: DeviceTensor) {
        guard let tiling = gruTiling(units: s.units, batch: s.batch) else {
            return gruSequenceBackwardByStep(s, gradient: gradient)
        }
        let n = s.batch, u = s.units, events = tiling.events
        run { () throws(CLError) in
            guard s.steps > 0 else { return }
            try launch(.gruSequenceBackward, global: [tiling.unitItems, tiling.groups(batch: n) * events],
                       local: [tiling.unitItems, events],
                       [.int(n), .int(s.steps), .int(u), .flag(s.resetAfter), .derivative(s.activation),
                        .derivative(s.recurrentActivation)]
                       + [gradient, s.inputProjectionGradient, s.recurrentProjectionGradient, s.recurrentKernel,
                          s.recurrentProjection, s.states, s.z, s.r, s.candidate].map(KernelArgument.tensor)
                       + [.optionalView(sequenceMask(s)), .local(2 * events * u), .local(3 * events * u)])
        }
    }
}
