/// A graph-to-graph transformation with a name and the passes it needs to have run first.
///
/// A pass takes a graph and returns a new one; it never mutates shared state. Passes that
/// only *look* at a graph (consumer counts, value bounds, table errors) are analyses: plain
/// functions in the `Passes` target, not passes, so a pipeline only ever holds transforms.
///
/// ```swift
/// let pipeline = PassPipeline([ShapeInference(), DropoutRemoval(), ActivationFusion()])
/// let lowered = try pipeline.run(graph)
/// ```
public protocol GraphPass: Sendable {
    /// The pass's name, in kebab case (`"shape-inference"`): how pipelines, errors and
    /// prerequisites refer to it.
    var name: String { get }
    /// Names of the passes that must come earlier in a pipeline that runs this one.
    var prerequisites: [String] { get }
    /// Transforms the graph. Errors are the pass's own typed errors; a pipeline wraps them
    /// with the pass's name.
    func run(_ graph: Graph) throws -> Graph
}

/// An explicit, ordered list of passes, run one after the other.
///
/// Before running anything, the pipeline checks that every pass's prerequisites appear
/// earlier in the list. With `verifyAfterEach` it verifies the input graph and the graph
/// after every pass, so a broken invariant is blamed on the pass that broke it.
public struct PassPipeline: Sendable {
    /// The passes, in the order they run.
    public var passes: [any GraphPass]
    /// Whether to run ``Graph/verify()`` on the input and after each pass.
    public var verifyAfterEach: Bool

    /// A pipeline running `passes` in order.
    public init(_ passes: [any GraphPass], verifyAfterEach: Bool = true) {
        self.passes = passes
        self.verifyAfterEach = verifyAfterEach
    }

    /// The names of the passes, in order.
    public var names: [String] { passes.map(\.name) }

    /// Throws ``PassError/missingPrerequisite(pass:position:prerequisite:)`` for the first
    /// pass whose prerequisites do not all come earlier in the list.
    public func checkPrerequisites() throws(PassError) {
        var ran = Set<String>()
        for (position, pass) in passes.enumerated() {
            if let missing = pass.prerequisites.first(where: { !ran.contains($0) }) {
                throw .missingPrerequisite(pass: pass.name, position: position + 1, prerequisite: missing)
            }
            ran.insert(pass.name)
        }
    }

    /// Runs every pass in order on `graph` and returns the final graph.
    public func run(_ graph: Graph) throws(PassError) -> Graph {
        try checkPrerequisites()
        if verifyAfterEach {
            do { try graph.verify() } catch { throw .invalidInput(error) }
        }
        var current = graph
        for pass in passes {
            do {
                current = try pass.run(current)
            } catch {
                throw .failed(pass: pass.name, underlying: error)
            }
            if verifyAfterEach {
                do { try current.verify() } catch { throw .invalidResult(pass: pass.name, error) }
            }
        }
        return current
    }
}

/// What can go wrong running a ``PassPipeline``.
public enum PassError: Error, Sendable {
    /// A pass (at 1-based `position` in the pipeline) needs `prerequisite` to run before it,
    /// and no earlier pass has that name. A mistake in the pipeline, not in the graph.
    case missingPrerequisite(pass: String, position: Int, prerequisite: String)
    /// The graph given to the pipeline does not verify.
    case invalidInput(VerificationError)
    /// A pass threw; `underlying` is its own error.
    case failed(pass: String, underlying: any Error)
    /// A pass returned a graph that does not verify (a bug in the pass).
    case invalidResult(pass: String, VerificationError)
}

extension PassError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .missingPrerequisite(pass, position, prerequisite):
            return "pass '\(pass)' (number \(position) in the pipeline) needs pass '\(prerequisite)' "
                + "to run before it, but no earlier pass has that name."
        case let .invalidInput(error):
            return "the graph given to the pipeline is invalid: \(error.message)."
        case let .failed(pass, underlying):
            return "pass '\(pass)' failed: \(String(describing: underlying))"
        case let .invalidResult(pass, error):
            return "pass '\(pass)' produced an invalid graph: \(error.message)."
        }
    }
}
