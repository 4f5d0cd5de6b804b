import Foundation
import GraphIR

/// Sizes that come from options are checked against the machine before anything is
/// allocated: a command refuses, in one sentence, work that would not fit in memory.
enum MemoryBudget {
    /// What one command may plan to hold: half of the physical memory.
    static var limit: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory / 2) }

    /// Throws when `factors` (multiplied, in bytes) exceed the budget; `what` names the work.
    static func check(_ factors: [Int], what: String, advice: String) throws {
        let bytes = checkedElementCount(factors)
        if let bytes, bytes <= limit { return }
        throw BudgetError.tooLarge(what: what, bytes: bytes, limit: limit, advice: advice)
    }
}

/// Work that would not fit, as one sentence.
enum BudgetError: Error, CustomStringConvertible {
    case tooLarge(what: String, bytes: Int?, limit: Int, advice: String)

    var description: String {
        switch self {
        case let .tooLarge(what, bytes, limit, advice):
            let size = bytes.map { "\(gibibytes($0)) GiB" } ?? "more than Int.max bytes"
            return "\(what) would need \(size) of memory, more than the \(gibibytes(limit)) GiB (half of this machine's) "
                + "trigc allows itself; \(advice)."
        }
    }

    private func gibibytes(_ bytes: Int) -> String { formatted(Double(bytes) / Double(1 << 30), 1) }
}
