import ArgumentParser
import Foundation
import OpenCLBackend
import OpenCLRuntime

/// `trigc devices`: the devices `--device` can name.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the devices training and inference can run on (--device cpu | opencl[:P:D]).",
        discussion: """
            OpenCL devices come from the installed ICDs (PoCL for the CPU: apt-get install \
            pocl-opencl-icd; NVIDIA, AMD or Intel drivers for GPUs).
            """)

    @Flag(help: "Also build trigc's OpenCL kernels on each device and report the result.")
    var check = false

    func run() throws {
        print("cpu".padding(toLength: 14, withPad: " ", startingAt: 0) + "host CPU (OpenBLAS)")
        let devices: [CLDevice]
        do {
            devices = try CLDevice.all()
        } catch .noPlatform {
            FileHandle.standardError.write(Data("note: \(CLError.noPlatform)\n".utf8))
            return
        }
        for device in devices {
            let spelling = "opencl:\(device.platform):\(device.index)"
            let memory = String(format: "%.1f GiB", Double(device.globalMemoryBytes) / 1_073_741_824)
            print(spelling.padding(toLength: 14, withPad: " ", startingAt: 0)
                  + "\(device.name) (\(device.platformName), \(device.kind.rawValue), \(device.computeUnits) compute units, "
                  + "\(memory), \(device.version))")
            if check {
                do {
                    _ = try OpenCLDevice(device: device)
                    print("              kernels: built")
                } catch {
                    print("              kernels: \(error)")
                }
            }
        }
    }
}
