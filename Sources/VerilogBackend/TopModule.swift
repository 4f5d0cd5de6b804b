import GraphIR

/// The stream top of a design (and its debug twin): registered input beat, the layer
/// modules wired as the graph says, delay registers that align inputs arriving at different
/// stages, and a valid bit per register stage.
///
/// Timing: the pipeline advances once per step of R cycles (R the reuse factor):
/// `tick = !(out_valid && !out_ready)` is every cycle the output is not stalled, `phase`
/// counts the cycles of a step and `en = tick && phase == R-1` advances every pipeline
/// register (for R = 1, `en = tick`). `in_ready = en`: one beat per step. A sequence design
/// takes one time step per beat; its event leaves the input register on the beat with
/// `in_last`, and the valid chain starts there.
struct TopPlan {
    let graph: Graph
    let options: VerilogOptions
    let inputs: [DesignReport.StreamPort]
    let sequence: DesignReport.SequenceInput?
    let values: [String: NodeValue]
    let layers: [LayerPlan]
    let output: String
    /// Register stages from the input register to the output, the input register included.
    let stages: Int
    let latency: Int

    /// The top (or, when `debug`, the debug top whose `out_data` holds the output and then
    /// every node's value of the same event) and the fields of its `out_data`.
    func build(debug: Bool) -> (HWModule, [DesignReport.StreamPort]) {
        let reuse = options.reuseFactor
        var b = HWModuleBuilder(name: debug ? options.debugTopName : options.topName)
        let busWidth = inputs.map { $0.offset + $0.busWidth }.max() ?? 1
        b.comments = [
            (debug ? "Debug top of '\(graph.name)': out_data holds the output, then every node's value of the same event."
                : "Top of '\(graph.name)': AXI-Stream style valid/ready on both sides, synchronous active-high reset."),
        ] + inputs.map { p in
            "in_data[\(p.offset) +: \(p.busWidth)]: '\(p.node)', \(p.features) × \(p.format), feature i at [\(p.offset) + \(p.width)·i +: \(p.width)]"
                + (p.sequence ? ", one time step per beat" : (sequence != nil ? ", read on the beat with in_last" : ""))
        } + [
            "Latency \(latency) cycles from the (last) input handshake to output valid; one beat every \(reuse) cycle(s); "
                + "the pipeline holds while out_valid && !out_ready.",
        ]
        let inValid = b.input("in_valid", width: 1)
        let inData = b.input("in_data", width: busWidth, comment: "inputs packed in graph order, feature 0 low")
        let inLast = sequence.map { _ in b.input("in_last", width: 1, comment: "the beat holds the event's last time step") }
        let outReady = b.input("out_ready", width: 1)
        let outValid = b.register(inValid, enable: nil, reset: 0, name: "out_valid_r")
        let stall = b.and([outValid, b.not(outReady)])
        let tick = b.extract(b.not(stall), low: 0, width: 1, name: reuse > 1 ? "tick" : "en")
        var step = tick
        var phase: HWValue?
        if reuse > 1 {
            var bits = 1
            while (1 << bits) < reuse { bits += 1 }
            let counter = b.register(b.constant(0, width: bits), enable: nil, reset: 0, name: "phase")
            let lastPhase = b.compare(.eq, counter, b.constant(Int64(reuse - 1), width: bits))
            let incremented = b.add(.add(counter, b.constant(1, width: bits), signed: false), width: bits)
            b.connect(counter, next: b.mux(lastPhase, b.constant(0, width: bits), incremented), enable: tick)
            step = b.extract(b.and([tick, lastPhase]), low: 0, width: 1, name: "en")
            phase = counter
        }
        let dataR = b.register(inData, enable: step, name: "in_data_r")
        let beatR = b.register(inValid, enable: step, reset: 0, name: "in_valid_r")
        let lastR = inLast.map { b.register($0, enable: step, name: "in_last_r") }
        let token = lastR.map { b.and([beatR, $0]) } ?? beatR
        var nodes: [String: (value: HWValue, stage: Int)] = [:]
        var masks: [String: HWValue] = [:]
        for port in inputs {
            nodes[port.node] = (b.extract(dataR, low: port.offset, width: port.busWidth, name: "\(port.node)_r"), 0)
        }
        var delayed: [String: [Int: HWValue]] = [:]
        func value(_ name: String, at stage: Int, _ b: inout HWModuleBuilder) -> HWValue {
            guard let (v, s) = nodes[name] else { preconditionFailure("node '\(name)' is not wired yet") }
            var current = v
            for k in s..<max(s, stage) {
                if let cached = delayed[name]?[k + 1] {
                    current = cached
                } else {
                    current = b.register(current, enable: step, name: "\(name)_d\(k + 1)")
                    delayed[name, default: [:]][k + 1] = current
                }
            }
            return current
        }
        for (i, layer) in layers.enumerated() {
            var connected: [HWValue] = []
            for port in layer.connections {
                switch port {
                case .step: connected.append(step)
                case .tick: connected.append(tick)
                case .phase: connected.append(phase ?? b.constant(0, width: 1))
                case .beat: connected.append(beatR)
                case .last: connected.append(lastR ?? b.constant(1, width: 1))
                case .mask:
                    let source = layer.node.inputs.first.flatMap { values[$0]?.mask }
                    connected.append(source.flatMap { masks[$0] } ?? b.constant(0, width: 1))
                case let .value(k): connected.append(value(layer.node.inputs[k], at: layer.inputStage, &b))
                }
            }
            let outputs = b.instantiate(layer.module, name: "u\(i)_\(layer.module.name)", inputs: connected)
            nodes[layer.node.name] = (outputs[0], layer.value.stage)
            if case .masking = layer.node.op, outputs.count > 1 { masks[layer.node.name] = outputs[1] }
        }
        // The valid chain: token (stage 0), then one register per stage; the last is out_valid.
        var previous = token
        for k in 1..<max(1, stages - 1) {
            previous = b.register(previous, enable: step, reset: 0, name: "valid_\(k)")
        }
        if reuse > 1 {
            // Set on the step that brings the event; cleared once the output is taken.
            let held = b.and([outValid, b.not(outReady)])
            b.connect(outValid, next: b.mux(step, previous, held), enable: nil)
        } else {
            b.connect(outValid, next: previous, enable: step)
        }
        let outStage = stages - 1
        var fields: [DesignReport.StreamPort] = []
        var data = value(output, at: outStage, &b)
        if let port = values[output] {
            fields.append(.init(node: output, features: port.features, format: "\(port.format)", width: port.format.width))
        }
        if debug {
            var parts = [data]
            var offset = fields.first?.busWidth ?? 0
            for node in graph.nodes {
                guard let v = values[node.name], !v.sequence, nodes[node.name] != nil else { continue }
                parts.append(value(node.name, at: outStage, &b))
                fields.append(.init(node: node.name, features: v.features, format: "\(v.format)", width: v.format.width,
                                    offset: offset))
                offset += v.features * v.format.width
            }
            data = b.add(.concat(parts.reversed()), width: offset, name: "debug_data")
        }
        b.output("in_ready", step)
        b.output("out_valid", outValid)
        b.output("out_data", data, comment: debug ? "the output, then every node's value" : "output features, feature 0 low")
        return (b.module, fields)
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
