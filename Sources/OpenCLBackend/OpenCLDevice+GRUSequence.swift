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
    /// ``OpenCLOptions/gruUnitItems``, else 1 on CPU devices and min(units, 64) on others;
    /// `events` = min(``OpenCLOptions/gruTileEvents``, batch, 256 / unitItems, the device's
    /// work-group limit / unitItems), lowered until the backward kernel's local memory fits
    /// the device's (``localFloats(units:events:unitItems:)``); nil when even one event does
    /// not fit, or when ``OpenCLOptions/persistentGRU`` is off.
    public func gruTiling(units: Int, batch: Int) -> GRUTiling? {
        guard options.persistentGRU, units > 0, batch > 0 else { return nil }
        let groupLimit = min(info.maxWorkGroupSize, 256)
        let unitItems = max(1, min(options.gruUnitItems ?? (info.kind == .cpu ? 1 : 64), units, groupLimit))
        let floats = info.localMemoryBytes / MemoryLayout<Float>.stride
        let fits = { (events: Int) in Self.localFloats(units: units, events: events, unitItems: unitItems) <= floats }
        guard fits(1) else { return nil }
        var events = max(1, min(options.gruTileEvents, batch, groupLimit / unitItems))
        while events > 1 && !fits(events) { events -= 1 }
        return GRUTiling(unitItems: unitItems, events: events)
    }

    /// The backward kernel's local memory in floats (the forward kernel needs less, 6·E·u):
    /// the gradient's double buffer 2·E·u, a dhw row 3·E·u and the products E·u per event,
    /// and Uᵀ (3u²) when one item works per event.
    public static func localFloats(units u: Int, events: Int, unitItems: Int) -> Int {
        6 * events * u + (unitItems == 1 ? 3 * u * u : 0)
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
                       + [.optionalView(sequenceMask(s)), .local(2 * events * u), .local(events * u), .local(3 * events * u)])
        }
    }

    public func gruSequenceBackward(_ s: GRUSequence, gradient: DeviceTensor) {
        // Clipped pre-activations (quantization-aware training) are masked between steps.
        guard s.gateGradientMask == nil, let tiling = gruTiling(units: s.units, batch: s.batch) else {
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
                       + [.optionalView(sequenceMask(s)), .local(2 * events * u), .local(3 * events * u), .local(events * u),
                          .local(tiling.unitItems == 1 ? 3 * u * u : 1)])
        }
    }
}
