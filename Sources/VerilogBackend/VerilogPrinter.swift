/// One generated Verilog file.
public struct VerilogFile: Hashable, Sendable {
    public var name: String
    public var text: String
}

/// Prints hardware IR as Verilog-2005, one module per file. It only prints: every op maps to
/// one `assign` (or a register's `always` block, or an instance); anything it cannot print
/// is an error, never a fix-up.
public struct VerilogPrinter {
    public init() {}

    /// The files of a design, in the design's module order (the top last).
    public func print(_ design: HWDesign) throws(VerilogError) -> [VerilogFile] {
        var moduleNames = VerilogNameSupply()
        var renamed: [String: String] = [:]
        for module in design.modules { renamed[module.name] = moduleNames.fresh(module.name) }
        var clocked: Set<String> = []
        var reset: Set<String> = []
        var files: [VerilogFile] = []
        for module in design.modules {
            if module.hasRegisters || module.instances.contains(where: { clocked.contains($0.module) }) {
                clocked.insert(module.name)
            }
            if module.hasReset || module.instances.contains(where: { reset.contains($0.module) }) {
                reset.insert(module.name)
            }
            let name = renamed[module.name] ?? module.name
            var writer = VerilogWriter()
            for line in design.header { writer.line("// \(line)") }
            for line in module.comments { writer.line("// \(line)") }
            if case .logic = module.body {
                // Conversions read only some bits of exact intermediate values (a product's
                // dropped fraction, a sum's growth bits); the other bits are unused by design.
                writer.line("/* verilator lint_off UNUSEDSIGNAL */")
            }
            let context = ModuleContext(
                module: module, name: name, design: design, renamed: renamed, clocked: clocked, reset: reset)
            try context.write(into: &writer)
            files.append(VerilogFile(name: "\(name).v", text: writer.text))
        }
        return files
    }
}

/// Lines with indentation.
struct VerilogWriter {
    private(set) var text = ""
    var indent = 0

    mutating func line(_ s: String = "") {
        text += s.isEmpty ? "\n" : String(repeating: "    ", count: indent) + s + "\n"
    }
}

extension HWModule {
    var instances: [HWInstance] {
        if case let .logic(_, _, instances) = body { instances } else { [] }
    }
}

/// Printing one module: its names, declarations and statements.
private struct ModuleContext {
    let module: HWModule
    let name: String
    let design: HWDesign
    let renamed: [String: String]
    let clocked: Set<String>
    let reset: Set<String>

    func fail(_ reason: String) -> VerilogError { .unprintable(module: module.name, reason: reason) }

    func write(into w: inout VerilogWriter) throws(VerilogError) {
        var supply = VerilogNameSupply(reserved: ["clk", "rst"])
        let inputNames = module.inputs.map { supply.fresh($0.name) }
        let outputNames = module.outputs.map { supply.fresh($0.name) }
        var ports: [String] = []
        if clocked.contains(module.name) { ports.append("input  wire clk") }
        if reset.contains(module.name) { ports.append("input  wire rst") }
        for (port, portName) in zip(module.inputs, inputNames) {
            ports.append("input  wire \(range(port.width))\(portName)" + (port.comment.map { "  // \($0)" } ?? ""))
        }
        let romOutput = if case .rom = module.body { true } else { false }
        for (port, portName) in zip(module.outputs, outputNames) {
            ports.append("output \(romOutput ? "reg " : "wire") \(range(port.width))\(portName)"
                + (port.comment.map { "  // \($0)" } ?? ""))
        }
        w.line("module \(name) (")
        w.indent += 1
        for (i, port) in ports.enumerated() {
            // The comma goes before any trailing comment.
            let last = i == ports.count - 1
            if let split = port.range(of: "  //") {
                w.line(String(port[..<split.lowerBound]) + (last ? "" : ",") + String(port[split.lowerBound...]))
            } else {
                w.line(port + (last ? "" : ","))
            }
        }
        w.indent -= 1
        w.line(");")
        w.indent += 1
        switch module.body {
        case let .rom(rom):
            try writeROM(rom, address: inputNames[0], data: outputNames[0], into: &w)
        case let .logic(nodes, outputs, instances):
            try writeLogic(nodes: nodes, outputs: outputs, instances: instances, inputNames: inputNames,
                           outputNames: outputNames, supply: &supply, into: &w)
        }
        w.indent -= 1
        w.line("endmodule")
    }

    func range(_ width: Int) -> String { width == 1 ? "" : "[\(width - 1):0] " }

    func literal(_ value: Int64, width: Int) throws(VerilogError) -> String {
        guard (1...64).contains(width) else { throw fail("a \(width)-bit constant") }
        let bits = width == 64 ? UInt64(bitPattern: value) : UInt64(bitPattern: value) & ((1 << UInt64(width)) - 1)
        return "\(width)'h\(String(bits, radix: 16))"
    }

    func writeROM(_ rom: HWROM, address: String, data: String, into w: inout VerilogWriter) throws(VerilogError) {
        w.line("always @* begin")
        w.indent += 1
        w.line("case (\(address))")
        w.indent += 1
        for (i, entry) in rom.entries.enumerated() {
            w.line("\(rom.addressWidth)'d\(i): \(data) = \(try literal(entry, width: rom.dataWidth));")
        }
        w.line("default: \(data) = \(try literal(0, width: rom.dataWidth));")
        w.indent -= 1
        w.line("endcase")
        w.indent -= 1
        w.line("end")
    }

    func writeLogic(
        nodes: [HWNode], outputs: [HWValue], instances: [HWInstance], inputNames: [String], outputNames: [String],
        supply: inout VerilogNameSupply, into w: inout VerilogWriter
    ) throws(VerilogError) {
        var names: [String] = []
        for (i, node) in nodes.enumerated() {
            switch node.op {
            case let .port(p): names.append(inputNames[p])
            case .constant: names.append("")
            default: names.append(supply.fresh(node.name ?? "t\(i)"))
            }
        }
        let instanceNames = instances.map { supply.fresh($0.name) }
        let printer = ExpressionPrinter(nodes: nodes, names: names, context: self)
        // Declarations, then assignments, instances, outputs, registers.
        for (i, node) in nodes.enumerated() {
            switch node.op {
            case .port, .constant: continue
            case .register: w.line("reg  \(range(node.width))\(names[i]);")
            default: w.line("\(node.keep ? "(* keep *) " : "")wire \(range(node.width))\(names[i]);")
            }
        }
        for (i, node) in nodes.enumerated() {
            switch node.op {
            case .port, .constant, .register, .instanceOutput: continue
            default: w.line("assign \(names[i]) = \(try printer.expression(node.op, width: node.width));")
            }
        }
        for (k, instance) in instances.enumerated() {
            guard let target = design[instance.module], let targetName = renamed[instance.module] else {
                throw fail("instance '\(instance.name)' names a missing module")
            }
            var connections: [String] = []
            if clocked.contains(target.name) { connections.append(".clk(clk)") }
            if reset.contains(target.name) { connections.append(".rst(rst)") }
            var targetPorts = VerilogNameSupply(reserved: ["clk", "rst"])
            for (port, value) in zip(target.inputs, instance.inputs) {
                connections.append(".\(targetPorts.fresh(port.name))(\(try printer.operand(value)))")
            }
            let outputsOf = nodes.indices.filter {
                if case let .instanceOutput(instance, _) = nodes[$0].op { instance == k } else { false }
            }
            for (p, port) in target.outputs.enumerated() {
                let wire = outputsOf.first { if case let .instanceOutput(_, q) = nodes[$0].op { q == p } else { false } }
                connections.append(".\(targetPorts.fresh(port.name))(\(wire.map { names[$0] } ?? ""))")
            }
            w.line("\(targetName) \(instanceNames[k]) (\(connections.joined(separator: ", ")));")
        }
        for (value, portName) in zip(outputs, outputNames) {
            w.line("assign \(portName) = \(try printer.operand(value));")
        }
        for (i, node) in nodes.enumerated() {
            guard case let .register(next, enable, resetValue) = node.op else { continue }
            var statement = "\(names[i]) <= \(try printer.operand(next));"
            if let enable { statement = "if (\(try printer.operand(enable))) " + statement }
            if let resetValue {
                statement = "if (rst) \(names[i]) <= \(try literal(resetValue, width: node.width)); else " + statement
            }
            w.line("always @(posedge clk) \(statement)")
        }
    }
}

/// The right-hand side of one op's `assign`.
private struct ExpressionPrinter {
    let nodes: [HWNode]
    let names: [String]
    let context: ModuleContext

    func constantValue(_ v: HWValue) -> Int64? {
        if case let .constant(c) = nodes[v.index].op { c } else { nil }
    }

    func operand(_ v: HWValue) throws(VerilogError) -> String {
        if let c = constantValue(v) { return try context.literal(c, width: nodes[v.index].width) }
        return names[v.index]
    }

    func signed(_ v: HWValue) throws(VerilogError) -> String { "$signed(\(try operand(v)))" }

    func bit(_ v: HWValue, _ index: Int) throws(VerilogError) -> String {
        nodes[v.index].width == 1 ? try operand(v) : "\(names[v.index])[\(index)]"
    }

    func expression(_ op: HWOp, width: Int) throws(VerilogError) -> String {
        switch op {
        case .port, .constant, .register, .instanceOutput:
            throw context.fail("\(op.mnemonic) has no expression")
        case let .extend(x, isSigned):
            let xw = nodes[x.index].width
            if let c = constantValue(x) {
                let shift = Int64(64 - xw)
                let value = isSigned ? (c << shift) >> shift : Int64(bitPattern: (UInt64(bitPattern: c) << UInt64(shift)) >> UInt64(shift))
                return try context.literal(xw == 64 ? c : value, width: width)
            }
            if xw == width { return try operand(x) }
            let k = width - xw
            return isSigned ? "{{\(k){\(try bit(x, xw - 1))}}, \(try operand(x))}" : "{\(k)'h0, \(try operand(x))}"
        case let .extract(x, low):
            if let c = constantValue(x) { return try context.literal(low >= 64 ? (c < 0 ? -1 : 0) : c >> Int64(low), width: width) }
            if nodes[x.index].width == width { return try operand(x) }
            return width == 1 ? "\(names[x.index])[\(low)]" : "\(names[x.index])[\(low + width - 1):\(low)]"
        case let .concat(xs):
            return "{" + (try xs.map { (v) throws(VerilogError) in try operand(v) }).joined(separator: ", ") + "}"
        case let .add(a, b, _):
            return "\(try operand(a)) + \(try operand(b))"
        case let .sub(a, b, _):
            return "\(try operand(a)) - \(try operand(b))"
        case let .mul(a, b, isSigned):
            return isSigned ? "\(try signed(a)) * \(try signed(b))" : "\(try operand(a)) * \(try operand(b))"
        case let .shl(x, k):
            return "\(try operand(x)) << \(k)"
        case let .shr(x, k, arithmetic):
            return arithmetic ? "\(try signed(x)) >>> \(k)" : "\(try operand(x)) >> \(k)"
        case let .compare(p, a, b):
            let symbol = switch p {
            case .eq: "=="
            case .ne: "!="
            case .slt, .ult: "<"
            case .sle, .ule: "<="
            case .sgt, .ugt: ">"
            case .sge, .uge: ">="
            }
            return p.isSigned ? "\(try signed(a)) \(symbol) \(try signed(b))" : "\(try operand(a)) \(symbol) \(try operand(b))"
        case let .mux(c, a, b):
            return "\(try operand(c)) ? \(try operand(a)) : \(try operand(b))"
        case let .and(xs):
            return (try xs.map { (v) throws(VerilogError) in try operand(v) }).joined(separator: " & ")
        case let .or(xs):
            return (try xs.map { (v) throws(VerilogError) in try operand(v) }).joined(separator: " | ")
        case let .xor(a, b):
            return "\(try operand(a)) ^ \(try operand(b))"
        case let .not(x):
            return "~\(try operand(x))"
        case let .reduceOr(x):
            return "|\(try operand(x))"
        }
    }
}
