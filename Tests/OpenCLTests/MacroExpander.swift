import Foundation

/// Just enough of the C preprocessor to read kernel signatures: function-like `#define`s
/// (continuation lines already joined) are removed from the text and their uses expanded,
/// `##` pasting included, until none is left.
struct MacroExpander {
    struct Macro {
        var parameters: [String]
        var body: String
    }

    var text: String
    var macros: [String: Macro] = [:]

    init(_ source: String) {
        var lines: [Substring] = []
        let definition = #/^\s*#\s*define\s+(\w+)\(([^)]*)\)(.*)$/#
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if let match = line.wholeMatch(of: definition) {
                let parameters = match.2.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                macros[String(match.1)] = Macro(parameters: parameters, body: String(match.3))
            } else {
                lines.append(line)
            }
        }
        text = lines.joined(separator: "\n")
    }

    /// The text with every use of a function-like macro expanded.
    var expanded: String {
        var result = text
        for _ in 0..<8 {
            let next = expandOnce(result)
            if next == result { break }
            result = next
        }
        return result
    }

    private func expandOnce(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        let use = #/\b(\w+)\s*\(/#
        while let match = rest.firstMatch(of: use) {
            guard let macro = macros[String(match.1)] else {
                result += rest[..<match.range.upperBound]
                rest = rest[match.range.upperBound...]
                continue
            }
            result += rest[..<match.range.lowerBound]
            let close = Self.closingParenthesis(in: rest, from: match.range.upperBound)
            let arguments = Self.splitArguments(rest[match.range.upperBound..<close])
            var body = macro.body
            for (parameter, argument) in zip(macro.parameters, arguments) {
                body = body.replacingOccurrences(of: "\\b\(parameter)\\b", with: argument, options: .regularExpression)
            }
            result += body.replacingOccurrences(of: "##", with: "")
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The index of the `)` that closes the parenthesis opened just before `start`.
    static func closingParenthesis(in text: Substring, from start: String.Index) -> String.Index {
        var depth = 1
        var index = start
        while index < text.endIndex {
            switch text[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index = text.index(after: index)
        }
        return text.endIndex
    }

    /// Comma-separated arguments at parenthesis depth 0, trimmed.
    static func splitArguments(_ text: Substring) -> [String] {
        var arguments: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0:
                arguments.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { arguments.append(last) }
        return arguments
    }
}
