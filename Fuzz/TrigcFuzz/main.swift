import Foundation

// trigc-fuzz: deterministic mutation fuzzing of trigc's readers of untrusted files.
//
//   trigc-fuzz [HARNESS|all] [--seconds S | --runs N] [--seed K] [--corpus DIR] [--out DIR]
//
// Harnesses: ir, keras-config, keras-file, events (see Docs/Fuzzing.md). Each runs in child
// processes so that a crash or a hang is caught, recorded under --out and skipped; a child
// that dies inside libhdf5 while importing a Keras file is re-checked through `trigc ir check`
// (which isolates Keras import in a worker) and counts as contained when that gives one
// sentence. Exits 1 when any harness had a crash.

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    if arguments.first == "--child" {
        try ChildRun(arguments: Array(arguments.dropFirst())).run()
        exit(0)
    }
    let options = try DriverOptions(arguments: arguments)
    var failed = false
    var reports: [HarnessReport] = []
    for kind in options.harnesses {
        let report = try Driver(kind: kind, options: options).run()
        print(report.line)
        fflush(nil)
        reports.append(report)
        failed = failed || report.crashes > 0
    }
    try HarnessReport.write(reports, to: options.out)
    exit(failed ? 1 : 0)
} catch {
    FileHandle.standardError.write(Data("trigc-fuzz: \(error)\n".utf8))
    exit(2)
}
