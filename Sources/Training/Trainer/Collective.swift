/// The ranks of a data-parallel training job and what they exchange (MPI in the
/// `Distributed` target; a test double in tests). Every rank calls each operation in the
/// same order.
public protocol Collective: AnyObject {
    /// This process's rank, `0 ..< size`; rank 0 writes checkpoints, metrics and exports.
    var rank: Int { get }
    var size: Int { get }
    /// Replaces `values` on every rank by their sum over ranks, added in rank order (0, 1,
    /// …), so that every rank gets the same bits.
    func sum(_ values: inout [Float]) throws(TrainingError)
    func sum(_ values: inout [Double]) throws(TrainingError)
    /// Waits until every rank has called it.
    func barrier() throws(TrainingError)
}
