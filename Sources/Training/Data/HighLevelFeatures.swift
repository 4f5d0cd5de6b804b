import Foundation

/// A jet reconstructed from particles.
public struct Jet: Hashable, Sendable {
    public var momentum: FourVector
    /// Whether at least `Jet.bTagTracks` of its tracks come from a displaced vertex.
    public var bTagged: Bool

    /// Cone radius of the clustering.
    public static let radius = 0.4
    /// Transverse displacement (mm) a track needs to count for the b-tag.
    public static let displacedRange = 0.3...20.0
    /// Displaced tracks a b-tagged jet needs.
    public static let bTagTracks = 2
    /// Smallest pT (GeV) of a particle that seeds a jet.
    public static let seedPt = 2.0

    /// Seeded cone clustering: the hardest unused particle seeds a jet that takes every
    /// unused particle within ΔR < 0.4 of it; repeated while seeds are left.
    public static func cluster(_ particles: [Particle]) -> [Jet] {
        let order = particles.indices.sorted { particles[$0].pt > particles[$1].pt }
        var used = [Bool](repeating: false, count: particles.count)
        var jets: [Jet] = []
        for seedIndex in order where !used[seedIndex] {
            let seed = particles[seedIndex]
            guard seed.pt >= seedPt else { break }
            var sum = FourVector(px: 0, py: 0, pz: 0, e: 0)
            var displaced = 0
            for i in order where !used[i] {
                let p = particles[i]
                let dEta = p.eta - seed.eta
                guard abs(dEta) < radius else { continue }
                let dPhi = wrappedPhi(p.phi - seed.phi)
                guard dEta * dEta + dPhi * dPhi < radius * radius else { continue }
                used[i] = true
                sum = sum + p.momentum
                if p.kind.isCharged, displacedRange.contains(p.transverseDisplacement) { displaced += 1 }
            }
            jets.append(Jet(momentum: sum, bTagged: displaced >= bTagTracks))
        }
        return jets
    }
}

/// The study's 14 high-level features of one event, computed from its particles.
public struct HighLevelFeatures: Hashable, Sendable {
    /// Jets counted in HT, nJets and nBjets: pT above this (GeV) ...
    public static let jetPtCut = 30.0
    /// ... and |η| below this.
    public static let jetEtaCut = 2.6

    public var values: [Double]

    /// Computes the features from the selected lepton, its isolation, every particle of the
    /// event (the lepton included) and the jets.
    ///
    /// - HT: scalar sum of pT of jets with pT > 30 GeV and |η| < 2.6; nJets and nBjets count
    ///   those jets (nBjets the b-tagged ones).
    /// - MET, phiMET: magnitude and azimuth of minus the vector sum of all particles' pT.
    /// - MT: the study's formula `2 · MET · pT(ℓ) · (1 − cos(φ(ℓ) − φ(MET)))` (the square
    ///   of the usual transverse mass, in GeV², exactly as SparkDLTrigger stores it).
    /// - the lepton's pT, η, φ, its three isolations, charge and an is-electron flag.
    public init(lepton: Particle, isolation: Isolation, particles: [Particle], jets: [Jet]) {
        var (sumX, sumY) = (0.0, 0.0)
        for p in particles {
            sumX += p.momentum.px
            sumY += p.momentum.py
        }
        let met = (sumX * sumX + sumY * sumY).squareRoot()
        let metPhi = met > 0 ? atan2(-sumY, -sumX) : 0
        var (ht, jetCount, bJetCount) = (0.0, 0, 0)
        for jet in jets where jet.momentum.pt > Self.jetPtCut && abs(jet.momentum.eta) < Self.jetEtaCut {
            ht += jet.momentum.pt
            jetCount += 1
            if jet.bTagged { bJetCount += 1 }
        }
        let mt = 2 * met * lepton.pt * (1 - cos(lepton.phi - metPhi))
        values = [
            ht, met, metPhi, mt, Double(jetCount), Double(bJetCount),
            lepton.pt, lepton.eta, lepton.phi,
            isolation.charged, isolation.photon, isolation.neutral,
            Double(lepton.charge), lepton.kind == .electron ? 1 : 0,
        ]
    }

    public subscript(feature: HighLevelFeature) -> Double {
        values[feature.rawValue]
    }
}
