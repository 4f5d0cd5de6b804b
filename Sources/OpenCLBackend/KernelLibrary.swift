import Foundation
import OpenCLRuntime

/// Where the OpenCL C sources come from: the copies embedded in the binary at build time
/// (``KernelSources``, generated from `Kernels/*.cl`), so an installed `trigc` works from any
/// working directory, or a folder of `.cl` files (for kernel development and tuning).
public enum KernelOrigin: Sendable, Equatable {
    case embedded
    case directory(URL)
}

/// The kernel files and how they are grouped into programs.
public enum KernelLibrary {
    /// Files of the training program, in the order they are concatenated (`common.cl` first:
    /// the activation functions the others call).
    public static let trainingFiles = ["common.cl", "elementwise.cl", "loss.cl", "dropout.cl", "gru.cl", "optimizers.cl"]
    /// The SGEMM program's file (built once per ``SGEMMPlan``).
    public static let sgemmFile = "sgemm.cl"
    /// Every kernel file.
    public static var allFiles: [String] { trainingFiles + [sgemmFile] }

    /// The text of `file` from `origin`.
    public static func source(_ file: String, from origin: KernelOrigin) throws(CLError) -> String {
        switch origin {
        case .embedded:
            guard let text = KernelSources.files[file] else {
                throw .sourceUnreadable(path: file, reason: "not embedded in this build")
            }
            return text
        case let .directory(folder):
            let url = folder.appendingPathComponent(file)
            do {
                return try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw .sourceUnreadable(path: url.path, reason: error.localizedDescription)
            }
        }
    }

    /// The training program's source: the training files joined, each headed by its name.
    public static func trainingSource(from origin: KernelOrigin) throws(CLError) -> String {
        var text = ""
        for file in trainingFiles {
            text += "// ---- \(file)\n" + (try source(file, from: origin)) + "\n"
        }
        return text
    }
}

/// SGEMM tiling, passed to `sgemm.cl` as build defines: a work-group computes a
/// `tileM × tileN` block of C stepping `tileK` through K; each work item keeps a
/// `workM × workN` register block.
public struct SGEMMPlan: Sendable, Hashable, CustomStringConvertible {
    public var tileM: Int
    public var tileN: Int
    public var tileK: Int
    public var workM: Int
    public var workN: Int
    /// Local-memory tiles (GPUs) or the direct kernel (`sgemm_direct_*`, CPUs: work-groups of
    /// `tileN × 1`, `workM` rows per item; `tileM`, `tileK`, `workN` unused).
    public var localMemory: Bool

    public init(tileM: Int, tileN: Int, tileK: Int, workM: Int, workN: Int, localMemory: Bool = true) {
        precondition(tileM % workM == 0 && tileN % workN == 0, "SGEMMPlan: tiles must divide by the work per item")
        self.tileM = tileM
        self.tileN = tileN
        self.tileK = tileK
        self.workM = workM
        self.workN = workN
        self.localMemory = localMemory
    }

    /// Large products (measured on PoCL/AVX-512 and typical of GPUs): 64×64 tiles, 16 deep,
    /// 4×4 per work item (256-item work-groups).
    public static let large = SGEMMPlan(tileM: 64, tileN: 64, tileK: 16, workM: 4, workN: 4)
    /// Small products (training batches: e.g. 128×14 · 14×50): 16×16 tiles, one output per item.
    public static let small = SGEMMPlan(tileM: 16, tileN: 16, tileK: 16, workM: 1, workN: 1)

    /// For CPU devices (PoCL): the direct kernel, 64 columns per work-group, 8 rows per item.
    public static let cpu = SGEMMPlan(tileM: 8, tileN: 64, tileK: 1, workM: 8, workN: 1, localMemory: false)

    /// The plan for a device's large products.
    public static func large(for device: CLDevice) -> SGEMMPlan { device.kind == .cpu ? .cpu : .large }

    /// The kernel's name prefix.
    public var kernelPrefix: String { localMemory ? "sgemm_" : "sgemm_direct_" }

    /// Work-group shape: `(tileN / workN, tileM / workM)`, or `(tileN, 1)` for the direct kernel.
    public var localSize: [Int] { localMemory ? [tileN / workN, tileM / workM] : [tileN, 1] }

    /// The launch's global size for an `m × n` result.
    public func globalSize(m: Int, n: Int) -> [Int] {
        guard localMemory else { return [(n + tileN - 1) / tileN * tileN, (m + workM - 1) / workM] }
        return [(n + tileN - 1) / tileN * (tileN / workN), (m + tileM - 1) / tileM * (tileM / workM)]
    }

    /// `-D` options for `sgemm.cl`.
    public var buildOptions: String {
        "-DTS_M=\(tileM) -DTS_N=\(tileN) -DTS_K=\(tileK) -DWPT_M=\(workM) -DWPT_N=\(workN)"
    }

    public var description: String {
        localMemory ? "\(tileM)x\(tileN)x\(tileK)/\(workM)x\(workN)" : "direct \(tileN) columns/\(workM) rows"
    }
}
