/// Builds one logic module op by op. Helpers state every width; the builder never widens on
/// its own (the verifier checks what it built).
struct HWModuleBuilder {
    let name: String
    private(set) var inputs: [HWPort] = []
    private(set) var outputs: [HWPort] = []
    private(set) var nodes: [HWNode] = []
    private(set) var outputValues: [HWValue] = []
    private(set) var instances: [HWInstance] = []
    var comments: [String] = []

    init(name: String) {
        self.name = name
    }

    func width(_ v: HWValue) -> Int { nodes[v.index].width }

    mutating func add(_ op: HWOp, width: Int, name: String? = nil, keep: Bool = false) -> HWValue {
        nodes.append(HWNode(op: op, width: width, name: name, keep: keep))
        return HWValue(nodes.count - 1)
    }

    mutating func input(_ name: String, width: Int, comment: String? = nil) -> HWValue {
        inputs.append(HWPort(name: name, width: width, comment: comment))
        return add(.port(inputs.count - 1), width: width, name: name)
    }

    mutating func output(_ name: String, _ value: HWValue, comment: String? = nil) {
        outputs.append(HWPort(name: name, width: width(value), comment: comment))
        outputValues.append(value)
    }

    mutating func constant(_ value: Int64, width: Int, name: String? = nil) -> HWValue {
        add(.constant(value), width: width, name: name)
    }

    /// Sign or zero extension to `width` (the value itself when already that wide).
    mutating func extend(_ v: HWValue, to width: Int, signed: Bool) -> HWValue {
        self.width(v) == width ? v : add(.extend(v, signed: signed), width: width)
    }

    /// Bits `low ..< low + width`.
    mutating func extract(_ v: HWValue, low: Int, width: Int, name: String? = nil) -> HWValue {
        low == 0 && self.width(v) == width && name == nil ? v : add(.extract(v, low: low), width: width, name: name)
    }

    /// Extension or truncation to `width`: the low bits of the value's two's complement.
    mutating func resize(_ v: HWValue, to width: Int, signed: Bool) -> HWValue {
        self.width(v) >= width ? extract(v, low: 0, width: width) : extend(v, to: width, signed: signed)
    }

    mutating func bit(_ v: HWValue, _ index: Int) -> HWValue {
        extract(v, low: index, width: 1)
    }

    mutating func mux(_ c: HWValue, _ a: HWValue, _ b: HWValue, name: String? = nil) -> HWValue {
        add(.mux(c, a, b), width: width(a), name: name)
    }

    mutating func compare(_ p: HWComparison, _ a: HWValue, _ b: HWValue) -> HWValue {
        add(.compare(p, a, b), width: 1)
    }

    mutating func and(_ xs: [HWValue]) -> HWValue {
        xs.count == 1 ? xs[0] : add(.and(xs), width: width(xs[0]))
    }

    mutating func or(_ xs: [HWValue]) -> HWValue {
        xs.count == 1 ? xs[0] : add(.or(xs), width: width(xs[0]))
    }

    mutating func not(_ x: HWValue) -> HWValue {
        add(.not(x), width: width(x))
    }

    /// A register taking `next` when `enable` is set; its `next` can be set later with
    /// ``connect(_:next:)`` for feedback.
    mutating func register(
        _ next: HWValue, enable: HWValue?, reset: Int64? = nil, name: String? = nil
    ) -> HWValue {
        add(.register(next: next, enable: enable, reset: reset), width: width(next), name: name)
    }

    mutating func instantiate(_ module: HWModule, name: String, inputs: [HWValue]) -> [HWValue] {
        instances.append(HWInstance(name: name, module: module.name, inputs: inputs))
        let index = instances.count - 1
        return module.outputs.enumerated().map { port, p in
            add(.instanceOutput(instance: index, port: port), width: p.width, name: "\(name)_\(p.name)")
        }
    }

    mutating func replaceOp(at index: Int, with op: HWOp) {
        nodes[index].op = op
    }

    var module: HWModule {
        HWModule(name: name, inputs: inputs, outputs: outputs,
                 body: .logic(nodes: nodes, outputs: outputValues, instances: instances), comments: comments)
    }
}
