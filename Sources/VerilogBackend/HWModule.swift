/// A value inside one ``HWModule``: the result of the node at `index` of its `nodes`.
public struct HWValue: Hashable, Sendable, Comparable {
    public let index: Int

    public init(_ index: Int) { self.index = index }

    public static func < (a: HWValue, b: HWValue) -> Bool { a.index < b.index }
}

/// A comparison predicate; signed and unsigned orderings are different ops.
public enum HWComparison: String, CaseIterable, Hashable, Sendable {
    case eq, ne, slt, sle, sgt, sge, ult, ule, ugt, uge

    /// Whether the operands are read as two's complement.
    public var isSigned: Bool { [.slt, .sle, .sgt, .sge].contains(self) }
}

/// One hardware operation. Values are plain bit vectors; signedness lives in the op.
/// Operand and result widths are exact: nothing widens implicitly (see ``HWVerifier``).
public enum HWOp: Hashable, Sendable {
    /// The module's input port at this position.
    case port(Int)
    /// A constant: the low `width` bits of the two's complement `Int64` (width ≤ 64).
    case constant(Int64)
    /// Sign (`signed`) or zero extension to a result at least as wide as the operand.
    case extend(HWValue, signed: Bool)
    /// The result-width bits of the operand starting at bit `low` (truncation when `low` is 0).
    case extract(HWValue, low: Int)
    /// Operands joined, the first one in the most significant bits (as Verilog `{a, b}`).
    case concat([HWValue])
    /// Sum modulo 2^width of two operands of the result's width.
    case add(HWValue, HWValue, signed: Bool)
    /// Difference modulo 2^width of two operands of the result's width.
    case sub(HWValue, HWValue, signed: Bool)
    /// Product modulo 2^width of two operands of the result's width (the low bits do not
    /// depend on signedness; it is kept for the printer and for readers).
    case mul(HWValue, HWValue, signed: Bool)
    /// Left shift by a constant, same width.
    case shl(HWValue, Int)
    /// Right shift by a constant, same width: arithmetic (sign fill) or logical.
    case shr(HWValue, Int, arithmetic: Bool)
    /// One bit: the predicate on two operands of equal width.
    case compare(HWComparison, HWValue, HWValue)
    /// `condition ? ifTrue : ifFalse`; one-bit condition, equal widths.
    case mux(HWValue, HWValue, HWValue)
    /// Bitwise and/or/xor of equal-width operands; bitwise not.
    case and([HWValue])
    case or([HWValue])
    case xor(HWValue, HWValue)
    case not(HWValue)
    /// One bit: whether any bit of the operand is set.
    case reduceOr(HWValue)
    /// A register clocked by the module clock: takes `next` at a rising edge when `enable`
    /// (one bit) is set or absent; synchronous reset to `reset` when given.
    /// `next` may be a later value (registers break combinational cycles).
    case register(next: HWValue, enable: HWValue?, reset: Int64?)
    /// An output port of one of the module's instances.
    case instanceOutput(instance: Int, port: Int)

    /// The values the op reads.
    public var operands: [HWValue] {
        switch self {
        case .port, .constant, .instanceOutput: []
        case let .extend(x, _), let .extract(x, _), let .shl(x, _), let .shr(x, _, _), let .not(x),
             let .reduceOr(x):
            [x]
        case let .concat(xs), let .and(xs), let .or(xs): xs
        case let .add(a, b, _), let .sub(a, b, _), let .mul(a, b, _), let .compare(_, a, b), let .xor(a, b):
            [a, b]
        case let .mux(c, a, b): [c, a, b]
        case let .register(next, enable, _): [next] + (enable.map { [$0] } ?? [])
        }
    }

    /// The op's name in messages.
    public var mnemonic: String {
        switch self {
        case .port: "port"
        case .constant: "constant"
        case let .extend(_, signed): signed ? "sext" : "zext"
        case .extract: "extract"
        case .concat: "concat"
        case let .add(_, _, signed): signed ? "add.s" : "add.u"
        case let .sub(_, _, signed): signed ? "sub.s" : "sub.u"
        case let .mul(_, _, signed): signed ? "mul.s" : "mul.u"
        case .shl: "shl"
        case let .shr(_, _, arithmetic): arithmetic ? "ashr" : "lshr"
        case let .compare(predicate, _, _): "cmp.\(predicate.rawValue)"
        case .mux: "mux"
        case .and: "and"
        case .or: "or"
        case .xor: "xor"
        case .not: "not"
        case .reduceOr: "reduce_or"
        case .register: "register"
        case .instanceOutput: "instance_output"
        }
    }
}

/// One op with its result width and an optional readable name.
public struct HWNode: Hashable, Sendable {
    public var op: HWOp
    public var width: Int
    public var name: String?
    /// Printed with a `(* keep *)` attribute: synthesis keeps every bit of the value, so it
    /// neither trims unused high bits nor folds the add that makes it into a wider `$macc`
    /// (Yosys maps a folded adder tree to far more LUTs than a tree of carry chains).
    public var keep: Bool

    public init(op: HWOp, width: Int, name: String? = nil, keep: Bool = false) {
        self.op = op
        self.width = width
        self.name = name
        self.keep = keep
    }
}

/// A module port.
public struct HWPort: Hashable, Sendable {
    public var name: String
    public var width: Int
    /// What the bits mean, printed as a comment (e.g. `14 × ap_fixed<16,6>, feature 0 low`).
    public var comment: String?

    public init(name: String, width: Int, comment: String? = nil) {
        self.name = name
        self.width = width
        self.comment = comment
    }
}

/// An instance of another module of the design; the clock is connected implicitly when the
/// instantiated module is clocked.
public struct HWInstance: Hashable, Sendable {
    public var name: String
    public var module: String
    /// One value per input port of the instantiated module, in port order.
    public var inputs: [HWValue]

    public init(name: String, module: String, inputs: [HWValue]) {
        self.name = name
        self.module = module
        self.inputs = inputs
    }
}

/// A read-only memory read combinationally: `data = entries[address]`, 0 past the end.
public struct HWROM: Hashable, Sendable {
    /// Raw codes, stored as their low `dataWidth` bits.
    public var entries: [Int64]
    public var addressWidth: Int
    public var dataWidth: Int

    public init(entries: [Int64], addressWidth: Int, dataWidth: Int) {
        self.entries = entries
        self.addressWidth = addressWidth
        self.dataWidth = dataWidth
    }
}

/// A hardware module: ports and a body of ops in order (combinational ops read only earlier
/// values; registers may read any), or a ROM (one `address` input, one `data` output).
public struct HWModule: Hashable, Sendable {
    public enum Body: Hashable, Sendable {
        case logic(nodes: [HWNode], outputs: [HWValue], instances: [HWInstance])
        case rom(HWROM)
    }

    public var name: String
    public var inputs: [HWPort]
    public var outputs: [HWPort]
    public var body: Body
    /// Comment lines printed above the module.
    public var comments: [String]

    public init(name: String, inputs: [HWPort], outputs: [HWPort], body: Body, comments: [String] = []) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.body = body
        self.comments = comments
    }

    /// The ops of a logic module (none for a ROM).
    public var nodes: [HWNode] {
        if case let .logic(nodes, _, _) = body { nodes } else { [] }
    }

    /// Whether the module holds registers, and so takes a clock.
    public var hasRegisters: Bool {
        nodes.contains { if case .register = $0.op { true } else { false } }
    }

    /// Whether some register resets, and so the module takes `rst`.
    public var hasReset: Bool {
        nodes.contains { if case .register(_, _, .some) = $0.op { true } else { false } }
    }
}

/// A whole design: modules (each instantiated module before its users) and the top.
public struct HWDesign: Hashable, Sendable {
    public var modules: [HWModule]
    public var top: String
    /// Lines of the generated header printed at the start of every file.
    public var header: [String]

    public init(modules: [HWModule], top: String, header: [String]) {
        self.modules = modules
        self.top = top
        self.header = header
    }

    public subscript(name: String) -> HWModule? {
        modules.first { $0.name == name }
    }
}
