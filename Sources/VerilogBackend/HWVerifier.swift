/// A hardware-IR rule broken, naming the module and the value.
public struct HWVerificationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var module: String
    /// The index of the offending op, or nil for a module-level problem.
    public var value: Int?
    public var message: String

    public init(module: String, value: Int?, message: String) {
        self.module = module
        self.value = value
        self.message = message
    }

    public var description: String {
        if let value { return "hardware module '\(module)', value %\(value): \(message)." }
        return "hardware module '\(module)': \(message)."
    }
}

/// Checks the hardware IR: exact widths on every op (no implicit widening), operands that
/// exist and come earlier (registers excepted), ports and instances that match.
public enum HWVerifier {
    /// The widest value the backend creates (constants are at most 64 bits).
    public static let maxWidth = 4096

    /// Verifies every module of a design, and that instances name earlier modules.
    public static func verify(_ design: HWDesign) throws(HWVerificationError) {
        var seen: [String: HWModule] = [:]
        for module in design.modules {
            guard seen[module.name] == nil else {
                throw HWVerificationError(module: module.name, value: nil, message: "the name is used twice")
            }
            try verify(module, modules: seen)
            seen[module.name] = module
        }
        guard seen[design.top] != nil else {
            throw HWVerificationError(module: design.top, value: nil, message: "the top module is missing")
        }
    }

    /// Verifies one module; `modules` holds the modules its instances may name.
    public static func verify(_ module: HWModule, modules: [String: HWModule] = [:]) throws(HWVerificationError) {
        switch module.body {
        case let .rom(rom):
            try verifyROM(rom, module: module)
        case let .logic(nodes, outputs, instances):
            for (i, instance) in instances.enumerated() {
                guard let target = modules[instance.module] else {
                    throw HWVerificationError(module: module.name, value: nil,
                                              message: "instance \(i) names unknown module '\(instance.module)'")
                }
                guard target.inputs.count == instance.inputs.count else {
                    throw HWVerificationError(
                        module: module.name, value: nil,
                        message: "instance '\(instance.name)' connects \(instance.inputs.count) inputs to '\(target.name)', which has \(target.inputs.count)")
                }
                for (port, value) in zip(target.inputs, instance.inputs) {
                    guard value.index >= 0, value.index < nodes.count else {
                        throw HWVerificationError(module: module.name, value: nil,
                                                  message: "instance '\(instance.name)' reads missing value %\(value.index)")
                    }
                    guard nodes[value.index].width == port.width else {
                        throw HWVerificationError(
                            module: module.name, value: value.index,
                            message: "is \(nodes[value.index].width) bits but feeds port '\(port.name)' of '\(target.name)', which is \(port.width) bits")
                    }
                }
            }
            for (i, node) in nodes.enumerated() {
                try verifyNode(node, at: i, nodes: nodes, module: module, instances: instances, modules: modules)
            }
            guard outputs.count == module.outputs.count else {
                throw HWVerificationError(module: module.name, value: nil,
                                          message: "drives \(outputs.count) of its \(module.outputs.count) outputs")
            }
            for (port, value) in zip(module.outputs, outputs) {
                guard value.index >= 0, value.index < nodes.count else {
                    throw HWVerificationError(module: module.name, value: nil, message: "output '\(port.name)' reads a missing value")
                }
                guard nodes[value.index].width == port.width else {
                    throw HWVerificationError(
                        module: module.name, value: value.index,
                        message: "is \(nodes[value.index].width) bits but drives output '\(port.name)' of \(port.width) bits")
                }
            }
        }
    }

    private static func verifyROM(_ rom: HWROM, module: HWModule) throws(HWVerificationError) {
        func fail(_ message: String) -> HWVerificationError {
            HWVerificationError(module: module.name, value: nil, message: message)
        }
        guard (1...64).contains(rom.dataWidth), (1...24).contains(rom.addressWidth) else {
            throw fail("ROM widths \(rom.addressWidth) → \(rom.dataWidth) are out of range")
        }
        guard rom.entries.count <= 1 << rom.addressWidth else {
            throw fail("\(rom.entries.count) ROM entries do not fit \(rom.addressWidth) address bits")
        }
        guard module.inputs.map(\.width) == [rom.addressWidth], module.outputs.map(\.width) == [rom.dataWidth] else {
            throw fail("a ROM has one address input and one data output of the ROM's widths")
        }
    }

    private static func verifyNode(
        _ node: HWNode, at i: Int, nodes: [HWNode], module: HWModule, instances: [HWInstance],
        modules: [String: HWModule]
    ) throws(HWVerificationError) {
        func fail(_ message: String) -> HWVerificationError {
            HWVerificationError(module: module.name, value: i, message: "\(node.op.mnemonic) \(message)")
        }
        guard (1...maxWidth).contains(node.width) else { throw fail("has width \(node.width)") }
        var widths: [Int] = []
        for operand in node.op.operands {
            let isRegister = if case .register = node.op { true } else { false }
            guard operand.index >= 0, operand.index < nodes.count, isRegister || operand.index < i else {
                throw fail("reads %\(operand.index), which is not an earlier value")
            }
            widths.append(nodes[operand.index].width)
        }
        let w = node.width
        func same(_ expected: [Int]) throws(HWVerificationError) {
            guard widths == expected else {
                throw fail("of width \(w) has operands of widths \(widths); expected \(expected)")
            }
        }
        switch node.op {
        case let .port(p):
            guard p >= 0, p < module.inputs.count, module.inputs[p].width == w else {
                throw fail("does not match input port \(p)")
            }
        case .constant:
            guard w <= 64 else { throw fail("is wider than 64 bits") }
        case .extend:
            guard widths[0] <= w else { throw fail("narrows \(widths[0]) bits to \(w)") }
        case let .extract(_, low):
            guard low >= 0, low + w <= widths[0] else {
                throw fail("takes bits \(low)..<\(low + w) of a \(widths[0])-bit value")
            }
        case .concat:
            guard !widths.isEmpty, widths.reduce(0, +) == w else {
                throw fail("of width \(w) joins operands of widths \(widths)")
            }
        case .add, .sub, .mul, .xor:
            try same([w, w])
        case let .shl(_, by), let .shr(_, by, _):
            try same([w])
            guard by >= 0, by < w else { throw fail("shifts a \(w)-bit value by \(by)") }
        case .compare:
            guard w == 1, widths[0] == widths[1] else {
                throw fail("compares widths \(widths) into \(w) bits; expected equal widths and 1 bit")
            }
        case .mux:
            try same([1, w, w])
        case let .and(xs), let .or(xs):
            guard !xs.isEmpty else { throw fail("has no operands") }
            try same(Array(repeating: w, count: xs.count))
        case .not:
            try same([w])
        case .reduceOr:
            guard w == 1 else { throw fail("gives \(w) bits, expected 1") }
        case let .register(_, enable, reset):
            try same(enable == nil ? [w] : [w, 1])
            if reset != nil, w > 64 { throw fail("resets more than 64 bits") }
        case let .instanceOutput(instance, port):
            guard instance >= 0, instance < instances.count,
                  let target = modules[instances[instance].module],
                  port >= 0, port < target.outputs.count
            else { throw fail("names a missing instance output") }
            guard target.outputs[port].width == w else {
                throw fail("is \(w) bits but port '\(target.outputs[port].name)' is \(target.outputs[port].width)")
            }
        }
    }
}
