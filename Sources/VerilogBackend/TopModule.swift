import GraphIR

extension VerilogLowering {
    /// The top module: registered input, the layer chain, a valid bit per register stage.
    ///
    /// Backpressure: `en = !(out_valid && !out_ready)` advances every pipeline register; when
    /// the output is stalled the whole pipeline holds. `in_ready = en`, so at full rate one
    /// event enters per cycle (II = 1) and leaves `latency` cycles after it entered.
    static func topModule(
        _ name: String, layers: [HWModule], input: DesignReport.StreamPort, output: DesignReport.StreamPort,
        latency: Int, graph: Graph
    ) -> HWModule {
        var b = HWModuleBuilder(name: name)
        b.comments = [
            "Top of '\(graph.name)': AXI-Stream style valid/ready on both sides, synchronous active-high reset.",
            "in_data: \(input.features) × \(input.format) raw codes, feature i in bits [\(input.width)·i +: \(input.width)].",
            "out_data: \(output.features) × \(output.format) raw codes, feature i in bits [\(output.width)·i +: \(output.width)].",
            "Latency \(latency) cycles from input handshake to output valid; II 1; the pipeline holds while out_valid && !out_ready.",
        ]
        let inValid = b.input("in_valid", width: 1)
        let inData = b.input("in_data", width: input.busWidth, comment: "\(input.features) × \(input.format), feature 0 low")
        let outReady = b.input("out_ready", width: 1)
        // The valid chain's registers come first; their inputs are connected below.
        var valid: [HWValue] = []
        for k in 0..<latency {
            valid.append(b.register(inValid, enable: nil, reset: 0, name: "valid_\(k)"))
        }
        let outValid = valid[latency - 1]
        let stall = b.and([outValid, b.not(outReady)])
        let enable = b.not(stall)
        let advance = b.extract(enable, low: 0, width: 1, name: "en")
        for k in 0..<latency {
            b.connect(valid[k], next: k == 0 ? inValid : valid[k - 1], enable: advance)
        }
        var x = b.register(inData, enable: advance, name: "in_data_r")
        for (i, layer) in layers.enumerated() {
            let inputs = layer.inputs.first?.name == "en" ? [advance, x] : [x]
            x = b.instantiate(layer, name: "u\(i)_\(layer.name)", inputs: inputs)[0]
        }
        b.output("in_ready", advance)
        b.output("out_valid", outValid)
        b.output("out_data", x, comment: "\(output.features) × \(output.format), feature 0 low")
        return b.module
    }
}

extension HWModuleBuilder {
    /// Sets a register's input and enable after the fact (for feedback and forward references).
    mutating func connect(_ register: HWValue, next: HWValue, enable: HWValue?) {
        guard case let .register(_, _, reset) = nodes[register.index].op else {
            preconditionFailure("connect: %\(register.index) is not a register")
        }
        replaceOp(at: register.index, with: .register(next: next, enable: enable, reset: reset))
    }
}
