import Foundation
@testable import OpenCLBackend
import Testing

/// The Swift descriptors of the kernels (`KernelDescriptor`) against the `__kernel`
/// signatures of the embedded sources, and the activation codes against their macros: a
/// kernel whose parameters change in `Kernels/*.cl` and not in Swift (or back) fails here,
/// before any launch passes arguments in the wrong order.
@Suite struct KernelSignatureTests {
    /// `name → parameter types` of every `__kernel` in `source`, after expanding its
    /// function-like macros (the SGEMM families and `ADAM_SLOT`). A pointer parameter reads
    /// `float*` (`__global`, `const` dropped); a scalar its type.
    static func signatures(_ source: String) -> [String: [String]] {
        var text = source.replacingOccurrences(of: #"(?s)/\*.*?\*/"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"//[^\n]*"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "\\\n", with: " ")
        text = MacroExpander(text).expanded
        var result: [String: [String]] = [:]
        let header = #/__kernel\s+(?:__attribute__\s*\(\(.*?\)\)\s*)?void\s+(\w+)\s*\(/#
        var rest = Substring(text)
        while let match = rest.firstMatch(of: header) {
            let open = match.range.upperBound
            let close = MacroExpander.closingParenthesis(in: rest, from: open)
            let parameters = MacroExpander.splitArguments(rest[open..<close])
            result[String(match.1)] = parameters.map(Self.type)
            rest = rest[close...]
        }
        return result
    }

    static func type(_ parameter: String) -> String {
        if parameter.contains("*") { return parameter.contains("float") ? "float*" : "pointer" }
        let words = parameter.split(whereSeparator: \.isWhitespace).filter { $0 != "const" }
        return words.dropLast().joined(separator: " ")
    }

    @Test func trainingKernelsMatchTheirDescriptors() throws {
        let parsed = Self.signatures(try KernelLibrary.trainingSource(from: .embedded))
        let described = Dictionary(uniqueKeysWithValues: KernelDescriptor.training.map { ($0.name, $0.cTypes) })
        #expect(Set(parsed.keys) == Set(described.keys), "kernels without a descriptor, or descriptors without a kernel")
        for (name, types) in described {
            #expect(parsed[name] == types, "\(name): Kernels/*.cl declares \(parsed[name] ?? []), Swift launches \(types)")
        }
    }

    @Test func sgemmKernelsMatchTheirDescriptors() throws {
        let parsed = Self.signatures(try KernelLibrary.sgemmSource(from: .embedded))
        let described = Dictionary(uniqueKeysWithValues: KernelDescriptor.sgemm.map { ($0.name, $0.cTypes) })
        #expect(Set(parsed.keys) == Set(described.keys))
        for (name, types) in described {
            #expect(parsed[name] == types, "\(name): sgemm.cl declares \(parsed[name] ?? []), Swift launches \(types)")
        }
    }

    @Test func parserReadsSignaturesAndMacros() {
        let source = """
            // a comment: __kernel void ignored(int x)
            #define TWO(k) const int n##k, __global const float* p##k
            #define FAMILY(NAME) \\
            __kernel __attribute__((reqd_work_group_size(1, 1, 1))) void NAME(const float a, TWO(0)) { }
            FAMILY(first)
            __kernel void second(__global float* x, const ulong key) { if (x) { } }
            """
        #expect(Self.signatures(source) == ["first": ["float", "int", "float*"], "second": ["float*", "ulong"]])
    }

    /// The codes are defines made from `ActivationKind`; `common.cl` must not define its own,
    /// and every `ACT_` macro the kernels name must be one of them.
    @Test func activationCodesComeFromTheSwiftEnum() throws {
        #expect(ActivationKind.defines == "-DACT_LINEAR=0 -DACT_RELU=1 -DACT_LEAKY_RELU=2 -DACT_TANH=3 -DACT_SIGMOID=4 "
            + "-DACT_HARD_SIGMOID=5 -DACT_SOFTMAX=6")
        let sources = try KernelLibrary.allFiles.map { file throws in try KernelLibrary.source(file, from: .embedded) }
        let macros = Set(ActivationKind.allCases.map(\.macro))
        for source in sources {
            #expect(source.firstMatch(of: #/#\s*define\s+ACT_/#) == nil, "a kernel file defines an activation code")
            for match in source.matches(of: #/\bACT_[A-Z_]+/#) {
                #expect(macros.contains(String(match.0)), "\(match.0) is not an ActivationKind")
            }
        }
    }
}
