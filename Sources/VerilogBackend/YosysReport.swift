import Foundation

/// FPGA resource figures from Yosys (`synth_xilinx -family xcup -noiopad`, hierarchy kept):
/// LUT, FF, DSP, CARRY and BRAM cells per module and for the whole design.
public struct YosysReport: Hashable, Sendable {
    /// Cell counts of one module (its own cells, not those of the modules it instantiates).
    public struct Resources: Hashable, Sendable {
        public var luts = 0
        public var flipFlops = 0
        public var dsps = 0
        public var carries = 0
        public var brams = 0
        public var other = 0

        public init() {}

        /// Adds `count` cells of the Xilinx primitive `cell`.
        mutating func add(_ cell: String, _ count: Int) {
            if cell.hasPrefix("LUT") || cell.hasPrefix("MUXF") {
                luts += cell.hasPrefix("LUT") ? count : 0
                other += cell.hasPrefix("MUXF") ? count : 0
            } else if cell.hasPrefix("FD") {
                flipFlops += count
            } else if cell.hasPrefix("DSP") {
                dsps += count
            } else if cell.hasPrefix("CARRY") {
                carries += count
            } else if cell.hasPrefix("RAMB") {
                brams += count
            } else {
                other += count
            }
        }
    }

    /// Modules in the order Yosys printed them.
    public var modules: [(name: String, resources: Resources)]
    public var total: Resources

    public static func == (a: YosysReport, b: YosysReport) -> Bool {
        a.total == b.total && a.modules.map(\.name) == b.modules.map(\.name)
            && a.modules.map(\.resources) == b.modules.map(\.resources)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(total.luts)
        hasher.combine(modules.map(\.name))
    }

    /// Synthesizes the design in `directory` (its top and layer files); `progress` sees each
    /// synthesis step as Yosys starts it.
    public static func synthesize(
        directory: URL, progress: (@Sendable (String) -> Void)? = nil
    ) throws(VerilogError) -> YosysReport {
        let yosys = try ToolRunner.require("yosys", package: "yosys")
        let report = try DesignDirectory.readReport(directory)
        let folder = directory.appendingPathComponent("synth")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .file(path: folder.path, reason: "cannot create (\(error.localizedDescription))")
        }
        let sources = report.files.map { directory.appendingPathComponent($0).path }.joined(separator: " ")
        let script = "read_verilog \(sources); synth_xilinx -family xcup -noiopad -top \(report.top); tee -o stat.txt stat"
        try ToolRunner.execute(yosys, ["-p", script], in: folder, log: "yosys.log") { line in
            // Top-level steps of synth_xilinx ("2.12. Executing ...").
            if let progress, line.range(of: #"^\d+\.\d+\. Executing "#, options: .regularExpression) != nil {
                progress(line)
            }
        }
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("stat.txt").path) else {
            throw .file(path: folder.path, reason: "yosys wrote no stat.txt")
        }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// Reads the output of Yosys's `stat`.
    static func parse(_ text: String) -> YosysReport {
        var modules: [(String, Resources)] = []
        var total: Resources?
        var current: String?
        var resources = Resources()
        func finish() {
            guard let name = current else { return }
            if name == "design hierarchy" { total = resources } else { modules.append((name, resources)) }
        }
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("=== ") && trimmed.hasSuffix(" ===") {
                finish()
                current = String(trimmed.dropFirst(4).dropLast(4))
                resources = Resources()
                continue
            }
            let parts = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2, let count = Int(parts[1]), parts[0].first?.isUppercase == true,
               !trimmed.hasPrefix("Number") {
                resources.add(String(parts[0]), count)
            }
        }
        finish()
        let sum = modules.reduce(into: Resources()) { t, m in
            t.luts += m.1.luts
            t.flipFlops += m.1.flipFlops
            t.dsps += m.1.dsps
            t.carries += m.1.carries
            t.brams += m.1.brams
            t.other += m.1.other
        }
        return YosysReport(modules: modules, total: total ?? sum)
    }

    /// A table: one row per module, then the total.
    public var text: String {
        func row(_ name: String, _ r: Resources) -> String {
            name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + [r.luts, r.flipFlops, r.dsps, r.carries, r.brams].map { String($0).leftPadded(8) }.joined()
        }
        var lines = ["module".padding(toLength: 34, withPad: " ", startingAt: 0)
            + ["LUT", "FF", "DSP", "CARRY", "BRAM"].map { $0.leftPadded(8) }.joined()]
        for (name, r) in modules { lines.append(row(name, r)) }
        lines.append(row("total (with instances)", total))
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
