/// Mistakes in how the command line was used, as one sentence each.
enum CLIError: Error, CustomStringConvertible {
    case needsFixed(flag: String)
    case badOverride(String)
    case unknownLayer(String)
    case unknownExample(String)
    case badCount(name: String, value: Int)
    case inputShape(file: String, input: String, expected: [Int], found: [Int])
    case inputCounts(file: String, counts: [String: Int])
    case noEvents(file: String)
    case outOfRange(name: String, value: String, range: String)
    case excludes(first: String, second: String)
    case badList(name: String, value: String, expected: String)
    case missingOption(name: String, reason: String)
    case needsOption(flag: String, needs: String)

    var description: String {
        switch self {
        case let .needsFixed(flag):
            "\(flag) only applies to a fixed-point run; add --fixed FORMAT."
        case let .badOverride(text):
            "'\(text)' is not a layer override; write NODE=FORMAT, e.g. dense_1='ap_fixed<18,8>'."
        case let .unknownLayer(name):
            "there is no layer '\(name)' in the model."
        case let .unknownExample(name):
            "there is no example model '\(name)'; choose hlf, gru or inclusive."
        case let .badCount(name, value):
            "\(name) must be positive, not \(value)."
        case let .inputShape(file, input, expected, found):
            "\(file): dataset \(input) has shape \(found) but the model's input needs [events] + \(expected)."
        case let .inputCounts(file, counts):
            "\(file): the input datasets hold different numbers of events (\(counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))."
        case let .noEvents(file):
            "\(file) holds no events."
        case let .outOfRange(name, value, range):
            "\(name) must be \(range), not \(value)."
        case let .excludes(first, second):
            "\(first) and \(second) exclude each other."
        case let .badList(name, value, expected):
            "\(name) takes \(expected), not '\(value)'."
        case let .missingOption(name, reason):
            "\(name) is needed \(reason)."
        case let .needsOption(flag, needs):
            "\(flag) only applies with \(needs)."
        }
    }
}
