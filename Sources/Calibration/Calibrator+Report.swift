import FixedPoint
import GraphIR
import Interpreter

extension Calibrator {
    /// Each node of the calibrated graph: its formats, its calibrated range and the error it
    /// leaves against float (fixed and float traced on the calibration events).
    func report(_ graph: Graph) throws -> [LayerReport] {
        let fixedTrace = try Interpreter(graph: graph).trace(data.inputs)
        let floatTrace = try Interpreter(graph: prepared).trace(data.inputs)
        return graph.nodes.map { node in
            var formats: [String: FixedFormat] = [:]
            var sizes: [String: Int] = [:]
            if let p = node.precision {
                formats["result"] = p.result
                formats["weight"] = p.weight
                formats["bias"] = p.bias
                formats["accumulator"] = p.accumulator
                formats["gate accumulator"] = p.gateAccumulator
                for (role, name) in p.tables {
                    guard let table = graph.tables[name] else { continue }
                    formats["\(role.rawValue) table"] = table.outputFormat
                    sizes["\(role.rawValue) table"] = table.entries.count
                }
            }
            var maxError = 0.0
            var squares = 0.0
            var n = 0
            if let a = fixedTrace[node.name]?.batch.values, let b = floatTrace[node.name]?.batch.values, a.count == b.count {
                for (x, y) in zip(a, b) {
                    let d = abs(Double(x) - Double(y))
                    maxError = max(maxError, d)
                    squares += d * d
                }
                n = a.count
            }
            return LayerReport(
                node: node.name, op: node.op.keyword, formats: formats, tableSizes: sizes,
                range: profile.result(node.name), maxError: maxError,
                rmsError: n == 0 ? 0 : (squares / Double(n)).squareRoot())
        }
    }
}
