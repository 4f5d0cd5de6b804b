import CMPI
import Training

/// ``Collective`` over MPI (Open MPI; start with `mpirun -np N trigc train ... --distributed`).
/// Sums are an all-gather followed by additions in rank order on every rank: the same bits
/// everywhere whatever the MPI library's reduction algorithm (MPI_Allreduce may associate
/// differently on different ranks). It moves `(N - 1)·M` values per rank instead of a ring
/// all-reduce's `2(N - 1)/N·M`: nothing for trigc's models (tens of thousands of weights),
/// see Docs/Distributed.md for the cost at 8–64 nodes.
public final class MPICollective: Collective {
    public let rank: Int
    public let size: Int
    private var finalized = false

    /// Initializes MPI (once per process). A process started without `mpirun` is a job of
    /// one rank.
    public init() throws(TrainingError) {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            guard MPI_Init(nil, nil) == trigc_mpi_success() else { throw .distributed("MPI_Init failed") }
        }
        var rank: Int32 = 0, size: Int32 = 1
        MPI_Comm_rank(trigc_mpi_world(), &rank)
        MPI_Comm_size(trigc_mpi_world(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// Ends MPI; call once, after the last collective operation.
    public func finish() {
        guard !finalized else { return }
        finalized = true
        MPI_Finalize()
    }

    public func sum(_ values: inout [Float]) throws(TrainingError) { try gatherAndAdd(&values, type: trigc_mpi_float()) }
    public func sum(_ values: inout [Double]) throws(TrainingError) { try gatherAndAdd(&values, type: trigc_mpi_double()) }

    public func barrier() throws(TrainingError) {
        guard MPI_Barrier(trigc_mpi_world()) == trigc_mpi_success() else { throw .distributed("MPI_Barrier failed") }
    }

    private func gatherAndAdd<T: BinaryFloatingPoint>(_ values: inout [T], type: MPI_Datatype?) throws(TrainingError) {
        guard size > 1 else { return }
        let count = values.count
        guard count > 0 else { return }
        guard count <= Int(Int32.max) / size else { throw .distributed("\(count) values are too many to exchange at once") }
        var all = [T](repeating: 0, count: count * size)
        let status = values.withUnsafeBufferPointer { send in
            all.withUnsafeMutableBufferPointer { receive in
                MPI_Allgather(send.baseAddress, Int32(count), type, receive.baseAddress, Int32(count), type, trigc_mpi_world())
            }
        }
        guard status == trigc_mpi_success() else { throw .distributed("MPI_Allgather failed (status \(status))") }
        for i in 0..<count {
            var total = all[i]
            for r in 1..<size { total += all[r * count + i] }
            values[i] = total
        }
    }
}
