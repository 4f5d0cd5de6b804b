import Foundation
import ModelIO
import Testing

/// `trigc run --device`: float batch scoring on OpenCL equals the CPU interpreter.
@Suite struct DeviceCLITests {
    /// Whether `trigc devices` lists an OpenCL device (it exits 0 without one, with a note).
    static let hasOpenCL: Bool = {
        guard let outcome = try? trigc("devices") else { return false }
        return outcome.status == 0 && outcome.stdout.contains("opencl:")
    }()

    // The device's gemm sums products in another order than the interpreter (float32):
    // outputs agree to 1e-5, not bitwise.
    @Test(.enabled(if: DeviceCLITests.hasOpenCL, "no OpenCL platform: 'trigc devices' lists no opencl device"),
          arguments: [["hlf"], ["inclusive", "--time-steps", "8", "--features", "5", "--units", "12"]])
    func openCLRunMatchesTheCPU(_ example: [String]) throws {
        let dir = try scratch()
        let model = "\(dir)/\(example[0]).ir"
        #expect(try trigc(arguments: ["ir", "example"] + example + ["-o", model]).status == 0)
        #expect(try trigc("inputs", model, "--events", "500", "-o", "\(dir)/in.h5").status == 0)
        let cpu = try trigc("run", model, "--input", "\(dir)/in.h5", "--device", "cpu", "-o", "\(dir)/cpu.h5")
        #expect(cpu.status == 0, "\(cpu.stderr)")
        let gpu = try trigc("run", model, "--input", "\(dir)/in.h5", "--device", "opencl", "-o", "\(dir)/cl.h5")
        #expect(gpu.status == 0, "\(gpu.stderr)")
        #expect(gpu.stdout.contains("events/s"))
        let cpuFile = try HDF5File(path: "\(dir)/cpu.h5")
        let clFile = try HDF5File(path: "\(dir)/cl.h5")
        #expect(try cpuFile.children().sorted() == clFile.children().sorted())
        let output = try #require(try cpuFile.children().first)
        let a = try cpuFile.readFloats(output)
        let b = try clFile.readFloats(output)
        #expect(a.shape == [500, 3] && b.shape == a.shape)
        let worst = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5, "\(example[0]): worst |opencl - cpu| = \(worst)")
        print("run --device opencl \(example[0]): worst |opencl - cpu| = \(worst)")
    }

    @Test func fixedPointOnOpenCLFailsWithOneSentence() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "10", "-o", "\(dir)/in.h5").status == 0)
        let run = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/in.h5", "--device", "opencl",
                            "--fixed", "ap_fixed<16,6>", "-o", "\(dir)/out.h5")
        #expect(run.status != 0)
        #expect(run.stderr.contains("fixed point ('ap_fixed<16,6>') runs only on the CPU interpreter"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out.h5"))
    }

    @Test func unknownDeviceIsRefused() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "10", "-o", "\(dir)/in.h5").status == 0)
        let run = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/in.h5", "--device", "tpu", "-o", "\(dir)/out.h5")
        #expect(run.status != 0)
        #expect(run.stderr.contains("unknown device 'tpu'"), "\(run.stderr)")
    }
}
