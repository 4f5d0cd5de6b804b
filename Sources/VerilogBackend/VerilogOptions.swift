/// How constant-coefficient products are built.
public enum MultiplierMapping: String, CaseIterable, Hashable, Sendable, Codable {
    /// `x * C`: synthesis maps it to DSP blocks (or LUT multipliers).
    case dsp
    /// Canonical signed digit shift-and-add: no multiplier at all.
    case shiftAdd = "shift-add"
}

/// Settings of the Verilog backend.
public struct VerilogOptions: Hashable, Sendable {
    /// Multiplications per multiplier: 1 is fully parallel (II 1); R > 1 time-multiplexes the
    /// products of dense layers and GRU gates over R cycles (II R, about 1/R of the
    /// multipliers, which then multiply at run time whatever `multipliers` says).
    public var reuseFactor: Int
    public var multipliers: MultiplierMapping
    /// A pipeline register after every this many adder-tree levels inside a dense layer;
    /// nil: the adder tree is combinational up to the layer's output register.
    public var adderLevelsPerStage: Int?
    /// The name of the top module (also the Verilator class prefix).
    public var topName: String
    /// The name of the debug top, which exposes every node's value (`trigc simulate` uses it
    /// to show where a mismatch starts).
    public var debugTopName: String

    public init(
        reuseFactor: Int = 1, multipliers: MultiplierMapping = .dsp, adderLevelsPerStage: Int? = nil,
        topName: String = "trigc_top", debugTopName: String = "trigc_debug"
    ) {
        self.debugTopName = debugTopName
        self.reuseFactor = reuseFactor
        self.multipliers = multipliers
        self.adderLevelsPerStage = adderLevelsPerStage
        self.topName = topName
    }
}
