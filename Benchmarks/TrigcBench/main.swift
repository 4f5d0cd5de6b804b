// trigc-bench (`make bench`, release build): throughput figures printed with their ratio to
// a target or to a reference measured in the same run. Never asserted: machines are noisy.
// Each area of trigc adds a section function in its own file and one line below.
import Dispatch
import Foundation

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func section(_ title: String) { print("\n== \(title)") }
func row(_ label: String, _ value: String) {
    print("  " + label.padding(toLength: 54, withPad: " ", startingAt: 0) + value)
}
func ratio(_ label: String, _ value: Double) { row(label, String(format: "%.2fx", value)) }

let arguments = Set(CommandLine.arguments.dropFirst())
print("trigc-bench on \(ProcessInfo.processInfo.activeProcessorCount) cores")
do {
    if arguments.contains("--only-opencl") {   // just the OpenCL section
        try openCLBench(arguments: arguments)
        exit(0)
    }
    if arguments.contains("--only-scale") {   // just the 801-step and MPI training section
        try scaleBench(arguments: arguments)
        exit(0)
    }
    if arguments.contains("--only-gru") {   // just the particle GRU section
        try gruBench(arguments: arguments)
        exit(0)
    }
    if arguments.contains("--only-opencl-gru") {   // just the OpenCL GRU training section
        try openCLGRUBench(arguments: arguments)
        exit(0)
    }
    try interpreterBench(gru: arguments.contains("--gru") || arguments.contains("--all"), arguments: arguments)
    try trainingBench(arguments: arguments)
    try scaleBench(arguments: arguments)
    try openCLBench(arguments: arguments)
    try verilogBench()
} catch {
    FileHandle.standardError.write(Data("trigc-bench: \(error)\n".utf8))
    exit(1)
}
