import Foundation
import Testing
@testable import Training

struct DataGeneratorTests {
    static let small = EventGenerator(maxParticles: 20, threads: 2)

    /// The arrays of a dataset as raw bytes.
    static func bytes(_ data: EventDataset) -> [UInt8] {
        data.hlf.withUnsafeBytes { Array($0) } + data.particles.withUnsafeBytes { Array($0) }
            + data.labels.withUnsafeBytes { Array($0) } + data.lengths.withUnsafeBytes { Array($0) }
    }

    @Test func sameSeedGivesIdenticalBytesOnAnyThreadCount() {
        let a = EventGenerator(maxParticles: 20, threads: 1).generate(events: 2500, seed: 9)
        let b = EventGenerator(maxParticles: 20, threads: 3).generate(events: 2500, seed: 9)
        #expect(Self.bytes(a) == Self.bytes(b))
        let c = EventGenerator(maxParticles: 20, threads: 1).generate(events: 2500, seed: 10)
        #expect(Self.bytes(a) != Self.bytes(c))
    }

    @Test func schemaShapesPaddingAndLabels() throws {
        let data = Self.small.generate(events: 600, seed: 4)
        #expect(data.hlf.count == 600 * 14)
        #expect(data.particles.count == 600 * 20 * 19)
        #expect(data.labels.allSatisfy { (0...2).contains($0) })
        #expect(Set(data.labels).count == 3)
        try data.validate(file: "generated")
        for event in 0..<data.count {
            let length = Int(data.lengths[event])
            #expect((1...20).contains(length))
            let base = event * data.particleStride
            // Rows after the length are zero; real rows have exactly one type flag.
            #expect(data.particles[(base + length * 19)..<(base + data.particleStride)].allSatisfy { $0 == 0 })
            for row in 0..<length {
                let flags = data.particles[(base + row * 19 + 13)..<(base + row * 19 + 18)]
                #expect(flags.reduce(0, +) == 1)
            }
        }
    }

    @Test func particlesAreOrderedByFallingDeltaRWithTheLeptonLast() {
        let data = Self.small.generate(events: 200, seed: 5)
        for event in 0..<data.count {
            let base = event * data.particleStride
            let length = Int(data.lengths[event])
            let lepton = base + (length - 1) * 19
            #expect(data.particles[lepton + 16] + data.particles[lepton + 17] == 1, "the last row is the lepton")
            // The lepton row matches the lepton features of the HLF.
            #expect(data.particles[lepton + 4] == data.hlf[event * 14 + HighLevelFeature.leptonPt.rawValue])
            let eta = Double(data.particles[lepton + 5])
            let phi = Double(data.particles[lepton + 6])
            var previous = Double.infinity
            for row in 0..<length {
                let r = deltaR(Double(data.particles[base + row * 19 + 5]), Double(data.particles[base + row * 19 + 6]), eta, phi)
                #expect(r <= previous + 1e-5)
                previous = r
            }
        }
    }

    @Test func highLevelFeaturesFollowTheStudysFormulas() {
        let lepton = Particle(pt: 40, eta: 0.5, phi: 0.3, kind: .electron, charge: -1)
        // A jet above both cuts, one too soft, one too forward; a b-tagged one above the cuts.
        let jets = [
            Jet(momentum: FourVector(pt: 50, eta: 1.0, phi: 2.0), bTagged: false),
            Jet(momentum: FourVector(pt: 29.9, eta: 0.0, phi: 0.0), bTagged: true),
            Jet(momentum: FourVector(pt: 80, eta: 2.7, phi: -1.0), bTagged: false),
            Jet(momentum: FourVector(pt: 35, eta: -2.5, phi: -2.0), bTagged: true),
        ]
        let other = Particle(pt: 30, eta: -1, phi: 0.3 + Double.pi, kind: .photon)
        let isolation = Isolation(charged: 0.01, photon: 0.02, neutral: 0.03)
        let hlf = HighLevelFeatures(lepton: lepton, isolation: isolation, particles: [lepton, other], jets: jets)
        #expect(hlf[.ht] == 85)
        #expect(hlf[.jetCount] == 2)
        #expect(hlf[.bJetCount] == 1)
        // Visible: 40 GeV at φ 0.3 and 30 GeV opposite → MET 10 GeV opposite the lepton.
        #expect(abs(hlf[.met] - 10) < 1e-9)
        #expect(abs(wrappedPhi(hlf[.metPhi] - (0.3 + Double.pi))) < 1e-9)
        // MT = 2 · MET · pT(ℓ) · (1 − cos Δφ) = 2 · 10 · 40 · 2.
        #expect(abs(hlf[.mt] - 1600) < 1e-6)
        #expect(hlf[.leptonCharge] == -1)
        #expect(hlf[.leptonIsElectron] == 1)
        #expect(hlf[.leptonNeutralIsolation] == 0.03)
    }

    @Test func isolationSumsTheConeAsTheStudyDoes() {
        let particles = [
            Particle(pt: 40, eta: 0, phi: 0, kind: .muon, charge: 1),
            Particle(pt: 4, eta: 0.1, phi: 0.1, kind: .chargedHadron, charge: 1),  // in the cone
            Particle(pt: 2, eta: 0, phi: 0.29, kind: .photon),                      // in the cone
            Particle(pt: 8, eta: 0, phi: -0.2, kind: .neutralHadron),               // in the cone
            Particle(pt: 100, eta: 0.31, phi: 0, kind: .chargedHadron, charge: -1),  // outside
        ]
        let iso = Isolation.compute(for: particles)
        #expect(abs(iso[0].charged - 0.1) < 1e-12)
        #expect(abs(iso[0].photon - 0.05) < 1e-12)
        #expect(abs(iso[0].neutral - 0.2) < 1e-12)
        // A photon's own pT counts in its photon isolation, and its charged isolation has
        // the study's −1.
        #expect(abs(iso[2].photon - 1) < 1e-12)
        #expect(iso[2].charged > -1)
    }

    @Test func jetsClusterSpraysAndTagDisplacedTracks() {
        var particles: [Particle] = []
        for i in 0..<4 {
            particles.append(Particle(pt: 10, eta: 0.05 * Double(i), phi: 1, kind: .chargedHadron, charge: 1,
                                      vertex: i < 2 ? (2, 1, 0) : (0, 0, 0)))
            particles.append(Particle(pt: 8, eta: -1.5, phi: -2 + 0.05 * Double(i), kind: .chargedHadron, charge: -1))
        }
        let jets = Jet.cluster(particles).sorted { $0.momentum.pt > $1.momentum.pt }
        #expect(jets.count == 2)
        #expect(abs(jets[0].momentum.pt - 40) < 0.1)
        #expect(jets[0].bTagged)
        #expect(!jets[1].bTagged)
    }

    /// A class must not be separable by cutting on one feature: no single feature reaches
    /// AUC 0.97 for any class, while all features together do separate the classes.
    @Test func classesOverlapOnEverySingleFeature() {
        let data = EventGenerator(maxParticles: 4, threads: 2).generate(events: 6000, seed: 12)
        for c in EventClass.allCases {
            let positive = data.labels.map { Int($0) == c.rawValue }
            for feature in HighLevelFeature.allCases {
                let scores = (0..<data.count).map { data.hlf[$0 * 14 + feature.rawValue] }
                let auc = ROCCurve(scores: scores, isPositive: positive).auc
                #expect(max(auc, 1 - auc) < 0.97, "\(c.name) by \(feature.name): AUC \(auc)")
            }
        }
        // The classes do differ: tt̄ has more jets and b jets than W+jets on average.
        func mean(_ feature: HighLevelFeature, _ c: EventClass) -> Double {
            let values = (0..<data.count).filter { data.labels[$0] == c.rawValue }.map { Double(data.hlf[$0 * 14 + feature.rawValue]) }
            return values.reduce(0, +) / Double(max(values.count, 1))
        }
        #expect(mean(.jetCount, .ttbar) > mean(.jetCount, .wjets) + 1)
        #expect(mean(.bJetCount, .ttbar) > mean(.bJetCount, .wjets) + 0.5)
        #expect(mean(.leptonChargedIsolation, .qcd) > 5 * mean(.leptonChargedIsolation, .wjets))
    }
}
