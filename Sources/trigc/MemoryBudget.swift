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
        throw CLIError.tooLarge(what: what, bytes: bytes, limit: limit, advice: advice)
    }
}
