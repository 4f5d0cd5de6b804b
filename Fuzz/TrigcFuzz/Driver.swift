import Foundation

/// The command line of a fuzzing run.
struct DriverOptions {
    var harnesses = Harness.Kind.allCases
    var seconds: Double = 60
    var runs: Int?
    var seed: UInt64 = 1
    var corpus = "Fuzz/corpus"
    var out = "fuzz-out"

    init(arguments: [String]) throws {
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            rest = rest.dropFirst()
            if first != "all" {
                guard let kind = Harness.Kind(rawValue: first) else {
                    throw FuzzError.usage("no harness '\(first)'; choose all, \(Harness.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                harnesses = [kind]
            }
        }
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw FuzzError.usage("\(flag) needs a value.") }
            switch flag {
            case "--seconds": seconds = try Self.number(flag, value)
            case "--runs": runs = Int(try Self.number(flag, value))
            case "--seed": seed = UInt64(try Self.number(flag, value))
            case "--corpus": corpus = value
            case "--out": out = value
            default: throw FuzzError.usage("unknown option \(flag); see Docs/Fuzzing.md.")
            }
        }
    }

    private static func number(_ flag: String, _ value: String) throws -> Double {
        guard let number = Double(value), number.isFinite, number >= 0 else {
            throw FuzzError.usage("\(flag) takes a non-negative number, not '\(value)'.")
        }
        return number
    }
}

/// What one harness did.
struct HarnessReport: Codable {
    var harness: String
    var executions: Int
    var seconds: Double
    /// Mutants that killed or hung trigc (saved under out/crashes).
    var crashes: Int
    /// Mutants that crashed libhdf5 inside the in-process reader but that trigc itself
    /// refused in one sentence (its Keras import runs in a worker process).
    var contained: Int
    var crashFiles: [String]

    var line: String {
        let rate = Double(executions) / max(seconds, 1e-9)
        return "\(harness): \(executions) executions in \(String(format: "%.1f", seconds)) s "
            + "(\(Int(rate))/s), \(crashes) crashes, \(contained) libhdf5 faults contained by trigc's workers"
            + (crashFiles.isEmpty ? "" : "; see \(crashFiles.joined(separator: " "))")
    }

    static func write(_ reports: [HarnessReport], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(reports).write(to: URL(fileURLWithPath: "\(folder)/report.json"), options: .atomic)
    }
}

/// Runs one harness in child processes until the time or run budget is spent.
struct Driver {
    let kind: Harness.Kind
    let options: DriverOptions
    /// A child that reports no progress for this long is hung.
    static let hangSeconds = 20.0

    func run() throws -> HarnessReport {
        let harness = try Harness(kind, corpus: options.corpus)
        let start = Date()
        let deadline = options.runs == nil ? start.addingTimeInterval(options.seconds) : .distantFuture
        let limit = options.runs ?? Int.max
        var report = HarnessReport(harness: kind.rawValue, executions: 0, seconds: 0, crashes: 0, contained: 0, crashFiles: [])
        var next = 0
        while next < limit, Date() < deadline {
            let outcome = try runChild(from: next, to: limit, until: deadline)
            switch outcome {
            case let .finished(reached):
                report.executions += reached - next
                next = reached
            case let .died(index, reason):
                report.executions += index - next + 1
                next = index + 1
                let saved = try save(harness, index: index)
                if containedByTrigc(saved) {
                    report.contained += 1
                    try? FileManager.default.removeItem(atPath: saved)
                } else {
                    report.crashes += 1
                    report.crashFiles.append(saved)
                    FileHandle.standardError.write(Data("\(kind.rawValue): mutant \(index) \(reason): \(saved)\n".utf8))
                }
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    enum ChildOutcome {
        case finished(reached: Int)
        case died(index: Int, reason: String)
    }

    /// One child process from mutant `from`; it prints each index before running it.
    private func runChild(from: Int, to: Int, until deadline: Date) throws -> ChildOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let until = deadline == .distantFuture ? 0 : deadline.timeIntervalSince1970
        process.arguments = ["--child", kind.rawValue, "\(from)", "\(to)", "\(options.seed)", options.corpus,
                             "\(until)", scratchFolder]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let fd = pipe.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](), last: Int?, reached: Int?
        var lastProgress = Date()
        var hung = false
        loop: while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 1000)
            if ready > 0 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = read(fd, &chunk, chunk.count)
                if count <= 0 { break loop }
                buffer += chunk[0..<count]
                while let newline = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    if line.hasPrefix("done ") { reached = Int(line.dropFirst(5)) } else { last = Int(line) }
                    lastProgress = Date()
                }
            } else if Date().timeIntervalSince(lastProgress) > Self.hangSeconds {
                hung = true
                kill(process.processIdentifier, SIGKILL)
                break loop
            }
        }
        process.waitUntilExit()
        if let reached, process.terminationReason == .exit, process.terminationStatus == 0 { return .finished(reached: reached) }
        let index = last ?? from
        if hung { return .died(index: index, reason: "hung for \(Int(Self.hangSeconds)) s") }
        let reason = process.terminationReason == .uncaughtSignal
            ? "killed the reader (signal \(process.terminationStatus))" : "made the reader exit \(process.terminationStatus)"
        return .died(index: index, reason: reason)
    }

    private var scratchFolder: String { "\(options.out)/scratch-\(kind.rawValue)" }

    /// Writes mutant `index` under out/crashes and returns its path.
    private func save(_ harness: Harness, index: Int) throws -> String {
        let (bytes, seed) = harness.mutant(index, seed: options.seed)
        let folder = "\(options.out)/crashes"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = "\(folder)/\(kind.rawValue)-seed\(options.seed)-\(index)-\(harness.fileName(for: seed))"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Whether trigc itself, reading the file as a user's command would, refuses it in one
    /// sentence (or accepts it) instead of crashing or hanging: Keras files and event files
    /// are read first in worker processes. Only the file harnesses qualify.
    private func containedByTrigc(_ path: String) -> Bool {
        let arguments: [String]
        switch kind {
        case .kerasFile:
            arguments = ["import", path, "-o", "\(scratchFolder)/contained.ir", "--overwrite", "--worker-timeout", "10"]
        case .events:
            let run = "\(scratchFolder)/contained-run"
            try? FileManager.default.removeItem(atPath: run)
            arguments = ["train", "--model", "hlf", "--data", path, "--epochs", "1", "--out", run]
        case .ir, .kerasConfig:
            return false
        }
        let trigc = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("trigc")
        let process = Process()
        process.executableURL = trigc
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        guard (try? process.run()) != nil else { return false }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n")
        let errorLines = lines.filter { $0.hasPrefix("Error:") }
        guard process.terminationReason == .exit else { return false }
        return process.terminationStatus == 0 || (process.terminationStatus == 1 && errorLines.count == 1)
    }
}

/// The child side: runs mutants `from..<to` (or until a deadline), printing each index first.
struct ChildRun {
    let harness: Harness
    let from: Int, to: Int, seed: UInt64, until: Double, scratch: String

    init(arguments: [String]) throws {
        guard arguments.count == 7, let kind = Harness.Kind(rawValue: arguments[0]), let from = Int(arguments[1]),
              let to = Int(arguments[2]), let seed = UInt64(arguments[3]), let until = Double(arguments[5])
        else { throw FuzzError.usage("bad child arguments") }
        harness = try Harness(kind, corpus: arguments[4])
        (self.from, self.to, self.seed, self.until, scratch) = (from, to, seed, until, arguments[6])
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var index = from
        while index < to {
            if index % 64 == 0, until > 0, Date().timeIntervalSince1970 >= until { break }
            emit("\(index)\n")
            let (bytes, seed) = harness.mutant(index, seed: self.seed)
            harness.execute(bytes, seed: seed, scratch: scratch)
            index += 1
        }
        emit("done \(index)\n")
    }

    private func emit(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}
