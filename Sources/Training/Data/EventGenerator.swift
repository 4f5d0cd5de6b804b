import Dispatch
import Foundation

/// The built-in physics-like generator of QCD, tt̄ and W+jets events (see Docs/Data.md).
///
/// Events are made in blocks of `blockSize`; block `b` draws from its own generator seeded
/// from `(seed, b)`, so the events depend on the seed only, never on the thread count.
public struct EventGenerator: Sendable {
    /// Rows per event in the particle sequences (T).
    public var maxParticles: Int
    /// Share of each class, indexed by label (normalized when used).
    public var classFractions: [Double]
    /// Worker threads (≥ 1).
    public var threads: Int
    /// Events per seeded block; part of the definition of the data, not a tuning knob.
    public static let blockSize = 1024

    public init(maxParticles: Int = 100, classFractions: [Double] = [1.0 / 3, 1.0 / 3, 1.0 / 3],
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(maxParticles >= 1, "an event has at least the lepton")
        precondition(classFractions.count == EventSchema.classCount && classFractions.allSatisfy { $0 >= 0 }
                     && classFractions.reduce(0, +) > 0, "one non-negative fraction per class")
        self.maxParticles = maxParticles
        self.classFractions = classFractions
        self.threads = max(1, threads)
    }

    /// A pointer worker threads write disjoint ranges of.
    struct Output<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }

    /// Generates `count` events from `seed`.
    public func generate(events count: Int, seed: UInt64) -> EventDataset {
        generate(events: 0..<count, of: count, seed: seed)
    }

    /// Events `range` of the `total` events `generate(events: total, seed:)` makes, the same
    /// values, without making the others (`range` starts at a multiple of ``blockSize``):
    /// a large file is written piece by piece.
    public func generate(events range: Range<Int>, of total: Int, seed: UInt64) -> EventDataset {
        precondition(range.lowerBound >= 0 && range.upperBound <= total, "the events are some of the total")
        precondition(range.lowerBound % Self.blockSize == 0, "a piece starts at a block")
        let count = range.count
        let firstBlock = range.lowerBound / Self.blockSize
        let h = EventSchema.hlfFeatureCount
        let stride = maxParticles * EventSchema.particleFeatureCount
        var hlf = [Float](repeating: 0, count: count * h)
        var particles = [Float](repeating: 0, count: count * stride)
        var labels = [Int32](repeating: 0, count: count)
        var lengths = [Int32](repeating: 0, count: count)
        let blocks = (count + Self.blockSize - 1) / Self.blockSize
        let end = range.upperBound
        let workers = max(1, min(threads, blocks))
        let generator = self
        hlf.withUnsafeMutableBufferPointer { hlfBuffer in
            particles.withUnsafeMutableBufferPointer { particleBuffer in
                labels.withUnsafeMutableBufferPointer { labelBuffer in
                    lengths.withUnsafeMutableBufferPointer { lengthBuffer in
                        guard let hlfBase = hlfBuffer.baseAddress, let particleBase = particleBuffer.baseAddress,
                              let labelBase = labelBuffer.baseAddress, let lengthBase = lengthBuffer.baseAddress
                        else { return }
                        let out = (Output(base: hlfBase), Output(base: particleBase),
                                   Output(base: labelBase), Output(base: lengthBase))
                        let work: @Sendable (Int) -> Void = { worker in
                            var block = worker
                            while block < blocks {
                                generator.generateBlock(firstBlock + block, seed: seed, count: end, offset: range.lowerBound, into: out)
                                block += workers
                            }
                        }
                        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                    }
                }
            }
        }
        return EventDataset(
            count: count, maxParticles: maxParticles, hlf: hlf, particles: particles, labels: labels,
            lengths: lengths, generator: "trigc datagen (built-in QCD/ttbar/W+jets generator v1)", seed: seed)
    }

    /// Generates block `block` (of `count` events in all) into the (zero-filled) outputs,
    /// which hold the events from `offset` on.
    private func generateBlock(
        _ block: Int, seed: UInt64, count: Int, offset: Int,
        into out: (hlf: Output<Float>, particles: Output<Float>, labels: Output<Int32>, lengths: Output<Int32>)
    ) {
        let h = EventSchema.hlfFeatureCount
        let stride = maxParticles * EventSchema.particleFeatureCount
        var rng = EventRandom(seed: Self.blockSeed(seed, block))
        let start = block * Self.blockSize
        for event in start..<min(count, start + Self.blockSize) {
            let label = rng.pick(classFractions)
            let row = makeEvent(EventClass.allCases[label], using: &rng)
            let at = event - offset
            (out.hlf.base + at * h).update(from: row.hlf, count: h)
            (out.particles.base + at * stride).update(from: row.particles, count: row.particles.count)
            out.labels.base[at] = Int32(label)
            out.lengths.base[at] = Int32(row.length)
        }
    }

    /// The seed of block `block`: the run's seed mixed with the block index.
    static func blockSeed(_ seed: UInt64, _ block: Int) -> UInt64 {
        var mixer = EventRandom(seed: seed ^ (UInt64(block) &* 0xD1B5_4A32_D192_ED03))
        return mixer.base.next()
    }

    /// One event's features.
    struct EventRow {
        var hlf: [Float]
        var particles: [Float]
        var length: Int
    }

    /// Generates and reconstructs one event of a class.
    func makeEvent(_ kind: EventClass, using rng: inout EventRandom) -> EventRow {
        var builder = EventBuilder(using: &rng)
        switch kind {
        case .qcd: builder.qcd(using: &rng)
        case .ttbar: builder.ttbar(using: &rng)
        case .wjets: builder.wJets(using: &rng)
        }
        return Self.reconstruct(builder, maxParticles: maxParticles)
    }

    /// The features of a built event: isolations and jets from its particles, the 14
    /// high-level features, and the particle rows — the lepton and the hardest T − 1 other
    /// particles, ordered by decreasing ΔR to the lepton (so the lepton comes last), as the
    /// study orders them; zero rows pad the rest.
    static func reconstruct(_ builder: EventBuilder, maxParticles: Int) -> EventRow {
        let lepton = builder.lepton ?? Particle(pt: 30, eta: 0, phi: 0, kind: .muon, charge: 1)
        let all = [lepton] + builder.particles
        let isolation = Isolation.compute(for: all)
        let jets = Jet.cluster(builder.particles)
        let features = HighLevelFeatures(lepton: lepton, isolation: isolation[0], particles: all, jets: jets)
        var kept = Array(builder.particles.indices.sorted { builder.particles[$0].pt > builder.particles[$1].pt }
            .prefix(maxParticles - 1).map { $0 + 1 })
        kept.append(0)
        let distance = kept.map { deltaR(all[$0].eta, all[$0].phi, lepton.eta, lepton.phi) }
        let order = kept.indices.sorted { distance[$0] != distance[$1] ? distance[$0] > distance[$1] : $0 < $1 }
        let f = EventSchema.particleFeatureCount
        var rows = [Float](repeating: 0, count: order.count * f)
        for (r, k) in order.enumerated() {
            let p = all[kept[k]]
            let iso = isolation[kept[k]]
            let base = r * f
            rows[base + 0] = Float(p.momentum.e)
            rows[base + 1] = Float(p.momentum.px)
            rows[base + 2] = Float(p.momentum.py)
            rows[base + 3] = Float(p.momentum.pz)
            rows[base + 4] = Float(p.pt)
            rows[base + 5] = Float(p.eta)
            rows[base + 6] = Float(p.phi)
            rows[base + 7] = Float(p.vertex.x)
            rows[base + 8] = Float(p.vertex.y)
            rows[base + 9] = Float(p.vertex.z)
            rows[base + 10] = Float(iso.charged)
            rows[base + 11] = Float(iso.photon)
            rows[base + 12] = Float(iso.neutral)
            rows[base + ParticleFeature.isChargedHadron.rawValue + p.kind.rawValue] = 1
            rows[base + 18] = Float(p.charge)
        }
        return EventRow(hlf: features.values.map { Float($0) }, particles: rows, length: order.count)
    }
}
