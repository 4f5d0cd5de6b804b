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
    public static let trainingFiles = ["common.cl", "elementwise.cl", "loss.cl", "dropout.cl", "gru.cl", "gru_sequence.cl",
                                             "optimizers.cl"]
    /// The SGEMM program's file (built once per ``SGEMMPlan``).
    public static let sgemmFile = "sgemm.cl"
    /// The SGEMM program's source: `common.cl` (the activations its epilogue applies) and
    /// `sgemm.cl`.
    public static func sgemmSource(from origin: KernelOrigin) throws(CLError) -> String {
        "// ---- common.cl\n" + (try source("common.cl", from: origin)) + "\n// ---- sgemm.cl\n"
            + (try source(sgemmFile, from: origin)) + "\n"
    }

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

/// SGEMM tiling, passed to `sgemm.cl` as build defines.
///
/// - ``Kernel/tiled`` (GPUs): a work-group computes a `tileM × tileN` block of C stepping
///   `tileK` through K in local memory; each work item keeps a `workM × workN` register block.
/// - ``Kernel/direct``: `sgemm_direct_*`, no local memory, work-groups of `tileN × 1`, `workM`
///   rows per item (`tileM`, `tileK`, `workN` unused).
/// - ``Kernel/packed`` (CPU devices such as PoCL): `sgemm_cpu_*`, one work item per group
///   computes a `tileM × tileN` macro tile, packing `tileK`-deep blocks of A and B into
///   local-memory panels; the micro-kernel keeps `workM × workN` outputs in `float16`
///   registers (`workN` a multiple of 16).
public struct SGEMMPlan: Sendable, Hashable, CustomStringConvertible {
    /// Which `sgemm.cl` kernel family a plan launches.
    public enum Kernel: Sendable, Hashable {
        case tiled, direct, packed

        /// The kernel family's name prefix in `sgemm.cl`.
        var prefix: String {
            switch self {
            case .tiled: "sgemm_"
            case .direct: "sgemm_direct_"
            case .packed: "sgemm_cpu_"
            }
        }
    }

    public var tileM: Int
    public var tileN: Int
    public var tileK: Int
    public var workM: Int
    public var workN: Int
    public var kernel: Kernel
    /// Whether the plan uses the local-memory tiled kernel.
    public var localMemory: Bool { kernel == .tiled }

    /// A tiled plan (`localMemory` true) or a direct one (false).
    public init(tileM: Int, tileN: Int, tileK: Int, workM: Int, workN: Int, localMemory: Bool = true) {
        self.init(tileM: tileM, tileN: tileN, tileK: tileK, workM: workM, workN: workN,
                  kernel: localMemory ? .tiled : .direct)
    }

    public init(tileM: Int, tileN: Int, tileK: Int, workM: Int, workN: Int, kernel: Kernel) {
        precondition(tileM % workM == 0 && tileN % workN == 0, "SGEMMPlan: tiles must divide by the work per item")
        precondition(kernel != .packed || (workN % 16 == 0 && tileK > 0), "SGEMMPlan: packed plans need workN a multiple of 16")
        self.tileM = tileM
        self.tileN = tileN
        self.tileK = tileK
        self.workM = workM
        self.workN = workN
        self.kernel = kernel
    }

    /// A packed CPU plan: `blockM × blockN` macro tiles, `blockK` deep, `microM × microN`
    /// register blocks.
    public static func packed(blockM: Int, blockN: Int, blockK: Int, microM: Int, microN: Int) -> SGEMMPlan {
        SGEMMPlan(tileM: blockM, tileN: blockN, tileK: blockK, workM: microM, workN: microN, kernel: .packed)
    }

    /// Large products on GPUs: 64×64 tiles, 16 deep, 4×4 per work item (256-item work-groups).
    public static let large = SGEMMPlan(tileM: 64, tileN: 64, tileK: 16, workM: 4, workN: 4)
    /// Small products (training batches: e.g. 128×14 · 14×50): 16×16 tiles, one output per item.
    public static let small = SGEMMPlan(tileM: 16, tileN: 16, tileK: 16, workM: 1, workN: 1)
    /// The former CPU plan: the direct kernel, 64 columns per work-group, 8 rows per item.
    public static let direct = SGEMMPlan(tileM: 8, tileN: 64, tileK: 1, workM: 8, workN: 1, localMemory: false)

    /// For CPU devices (PoCL): the packed kernel with 128×256 macro tiles, 256 deep, 8×32
    /// register blocks (best of a search on PoCL/AVX-512, `Docs/OpenCL.md`).
    public static let cpu = packed(blockM: 128, blockN: 256, blockK: 256, microM: 8, microN: 32)

    /// For small products on CPU devices (training batches): packed 32×64 macro tiles.
    public static let cpuSmall = packed(blockM: 32, blockN: 64, blockK: 256, microM: 8, microN: 32)

    /// The plan for a device's small products.
    public static func small(for device: CLDevice) -> SGEMMPlan { device.kind == .cpu ? .cpuSmall : .small }

    /// The plan for a device's large products.
    public static func large(for device: CLDevice) -> SGEMMPlan { device.kind == .cpu ? .cpu : .large }

    /// The kernel's name prefix.
    public var kernelPrefix: String { kernel.prefix }

    /// Work-group shape.
    public var localSize: [Int] {
        switch kernel {
        case .tiled: [tileN / workN, tileM / workM]
        case .direct: [tileN, 1]
        case .packed: [1, 1]
        }
    }

    /// The launch's global size for an `m × n` result.
    public func globalSize(m: Int, n: Int) -> [Int] {
        switch kernel {
        case .tiled: [(n + tileN - 1) / tileN * (tileN / workN), (m + tileM - 1) / tileM * (tileM / workM)]
        case .direct: [(n + tileN - 1) / tileN * tileN, (m + workM - 1) / workM]
        case .packed: [(n + tileN - 1) / tileN, (m + tileM - 1) / tileM]
        }
    }

    /// `-D` options for `sgemm.cl`.
    public var buildOptions: String {
        switch kernel {
        case .tiled, .direct:
            "-DTS_M=\(tileM) -DTS_N=\(tileN) -DTS_K=\(tileK) -DWPT_M=\(workM) -DWPT_N=\(workN)"
        case .packed:
            "-DCPU_MC=\(tileM) -DCPU_NC=\(tileN) -DCPU_KC=\(tileK) -DCPU_MR=\(workM) -DCPU_NV=\(workN / 16)"
        }
    }

    public var description: String {
        switch kernel {
        case .tiled: "\(tileM)x\(tileN)x\(tileK)/\(workM)x\(workN)"
        case .direct: "direct \(tileN) columns/\(workM) rows"
        case .packed: "packed \(tileM)x\(tileN)x\(tileK)/\(workM)x\(workN)"
        }
    }
}
