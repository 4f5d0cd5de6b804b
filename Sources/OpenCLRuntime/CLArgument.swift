/// A kernel argument, set by value at launch (`clSetKernelArg`).
public enum CLArgument {
    case buffer(CLBuffer)
    case int(Int32)
    case uint(UInt32)
    case ulong(UInt64)
    case float(Float)
    /// `__local` scratch of this many bytes.
    case local(Int)

    /// An `int` argument from a Swift `Int` (sizes, offsets and strides).
    public static func size(_ value: Int) -> CLArgument {
        precondition(value >= Int(Int32.min) && value <= Int(Int32.max), "kernel argument \(value) exceeds int")
        return .int(Int32(value))
    }
}
