import Foundation
import GraphIR
import OpenCLBackend
import OpenCLRuntime
import Testing
import Training

/// The first OpenCL device (PoCL in CI). Each test opens its own: kernels are not shared
/// between threads, and PoCL caches compiled programs on disk, so reopening is cheap.
func openCL(_ options: OpenCLOptions = OpenCLOptions()) throws -> OpenCLDevice {
    try OpenCLDevice(options: options)
}

/// The repository's `Kernels/` folder (found from this file's path).
let kernelsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Kernels")

/// Deterministic values in `[-limit, limit)`.
struct Values {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func uniform(_ count: Int, limit: Float = 1) -> [Float] {
        (0..<count).map { _ in (Float(rng.next() >> 40) * 0x1p-24 * 2 - 1) * limit }
    }
}

/// A tolerance written down with its reason: `|a - b| ≤ absolute + relative · |b|`.
struct Tolerance: CustomStringConvertible {
    var absolute: Float
    var relative: Float
    var reason: String

    /// Bit-identical: the kernel does the CPU device's operations in the same order
    /// (FP_CONTRACT OFF, correctly rounded divide and sqrt).
    static let exact = Tolerance(absolute: 0, relative: 0, reason: "same operations in the same order")
    /// OpenCL's `exp`/`tanh`/`log` are within 3–5 ulp (spec, full profile); glibc's within 1–2.
    static let transcendental = Tolerance(absolute: 2e-7, relative: 8e-7,
                                          reason: "exp/tanh/log built-ins differ from glibc by a few ulp")

    func accepts(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= absolute + relative * abs(b) }

    var description: String { "abs \(absolute) + rel \(relative) (\(reason))" }
}

/// Expects `actual ≈ expected` elementwise under `tolerance`, reporting the worst element.
func expectClose(_ actual: [Float], _ expected: [Float], _ tolerance: Tolerance, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) vs \(expected.count) values",
            sourceLocation: sourceLocation)
    var worst = -1
    var worstError: Float = 0
    for i in 0..<min(actual.count, expected.count) where !tolerance.accepts(actual[i], expected[i]) {
        let error = abs(actual[i] - expected[i])
        if worst < 0 || error > worstError { (worst, worstError) = (i, error) }
    }
    #expect(worst < 0, "\(what): element \(worst) is \(worst < 0 ? 0 : actual[worst]), expected \(worst < 0 ? 0 : expected[worst]) within \(tolerance)",
            sourceLocation: sourceLocation)
}

/// The same tensor on both devices.
struct Pair {
    let cpu: DeviceTensor
    let gpu: DeviceTensor

    init(_ values: [Float], shape: [Int], _ c: CPUDevice, _ g: OpenCLDevice) {
        cpu = c.upload(values, shape: shape)
        gpu = g.upload(values, shape: shape)
    }
}
