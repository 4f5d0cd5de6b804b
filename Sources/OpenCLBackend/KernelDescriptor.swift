import GraphIR
import OpenCLRuntime
import Training

/// The type of one parameter of a kernel in `Kernels/*.cl`, as the launching code fills it.
/// Composite kinds stand for the run of OpenCL parameters they expand to (``cTypes``).
enum KernelParameter: Hashable, Sendable {
    /// `int`: a size, count, offset or flag.
    case int
    case float
    case ulong
    /// `__global float*`.
    case buffer
    /// A matrix view: `__global float* values, int offset, int stride`.
    case view
    /// A view that may be absent: the view's three and `int present`.
    case optionalView
    /// An activation function: `int code, float p0, float p1` (``ActivationKind``).
    case activation
    /// An activation's code and first parameter, all that its derivative needs: `int code, float p0`.
    case derivative
    /// `__local float*`: work-group scratch whose size the launch gives.
    case local

    /// The OpenCL C types this stands for (`float*` for any `__global` or `__local float` pointer).
    var cTypes: [String] {
        switch self {
        case .int: ["int"]
        case .float: ["float"]
        case .ulong: ["ulong"]
        case .buffer: ["float*"]
        case .view: ["float*", "int", "int"]
        case .optionalView: ["float*", "int", "int", "int"]
        case .activation: ["int", "float", "float"]
        case .derivative: ["int", "float"]
        case .local: ["float*"]
        }
    }
}

/// One kernel of `Kernels/*.cl` as Swift launches it: its name and its parameters, in order.
/// ``OpenCLDevice`` launches kernels only through these, with arguments checked against the
/// parameters; OpenCLTests parse the kernel sources and fail when a signature differs.
struct KernelDescriptor: Hashable, Sendable, CustomStringConvertible {
    let name: String
    let parameters: [KernelParameter]

    init(_ name: String, _ parameters: [KernelParameter]) {
        self.name = name
        self.parameters = parameters
    }

    /// The OpenCL C parameter types, in order.
    var cTypes: [String] { parameters.flatMap(\.cTypes) }

    var description: String { "\(name)(\(cTypes.joined(separator: ", ")))" }
}

/// An argument of a kernel launch, of one ``KernelParameter`` kind.
enum KernelArgument {
    case int(Int)
    case flag(Bool)
    case float(Float)
    case ulong(UInt64)
    case tensor(DeviceTensor)
    case buffer(CLBuffer)
    case view(MatrixView)
    case optionalView(MatrixView?)
    case activation(ActivationFunction)
    case derivative(ActivationFunction)
    /// Local scratch of this many floats.
    case local(Int)

    var parameter: KernelParameter {
        switch self {
        case .int, .flag: .int
        case .float: .float
        case .ulong: .ulong
        case .tensor, .buffer: .buffer
        case .view: .view
        case .optionalView: .optionalView
        case .activation: .activation
        case .derivative: .derivative
        case .local: .local
        }
    }
}

/// The activation codes of `common.cl`, passed to the OpenCL compiler as `-D` defines made
/// from this enum (``defines``): `ACT_LINEAR=0`, `ACT_RELU=1`, ... The kernels name the codes
/// only through these macros.
enum ActivationKind: Int32, CaseIterable, Sendable {
    case linear, relu, leakyRelu, tanh, sigmoid, hardSigmoid, softmax

    init(_ function: ActivationFunction) {
        switch function {
        case .linear: self = .linear
        case .relu: self = .relu
        case .leakyRelu: self = .leakyRelu
        case .tanh: self = .tanh
        case .sigmoid: self = .sigmoid
        case .hardSigmoid: self = .hardSigmoid
        case .softmax: self = .softmax
        }
    }

    /// The macro's name: `ACT_` and the case in upper snake case (`ACT_LEAKY_RELU`).
    var macro: String {
        let name = "\(self)"
        return "ACT_" + name.map { $0.isUppercase ? "_" + String($0) : String($0).uppercased() }.joined()
    }

    /// The `-D` options that define every code.
    static var defines: String {
        allCases.map { "-D\($0.macro)=\($0.rawValue)" }.joined(separator: " ")
    }

    /// The kernel arguments of `function`: its code and its two parameters (`p0`, `p1`).
    static func arguments(_ function: ActivationFunction) -> [CLArgument] {
        let code = CLArgument.int(ActivationKind(function).rawValue)
        return switch function {
        case .linear, .relu, .tanh, .sigmoid, .softmax: [code, .float(0), .float(0)]
        case let .leakyRelu(alpha): [code, .float(alpha), .float(0)]
        case let .hardSigmoid(slope, offset): [code, .float(slope), .float(offset)]
        }
    }
}
