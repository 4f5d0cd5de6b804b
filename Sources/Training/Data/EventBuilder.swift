import Foundation

/// Collects the particles of one generated event: the selected lepton, jets made into
/// sprays of particles, and the soft underlying event with pile-up. Invisible particles
/// (neutrinos, anything beyond |η| = 3) are simply never added, so MET comes from them
/// and from the detector smearing applied here.
struct EventBuilder {
    /// Detector acceptance for particles.
    static let maxEta = 3.0
    /// Smallest pT (GeV) of a track, and of a photon or neutral hadron (as in the study).
    static let trackThreshold = 0.5
    static let neutralThreshold = 1.0
    /// The kinds `pick3` chooses among: charged hadron, neutral hadron, photon.
    static let kinds: [Particle.Kind] = [.chargedHadron, .neutralHadron, .photon]

    var lepton: Particle?
    var particles: [Particle] = []
    /// Primary vertex (mm).
    var primary: (x: Double, y: Double, z: Double)

    init(using rng: inout EventRandom) {
        primary = (rng.normal(0, 0.015), rng.normal(0, 0.015), rng.normal(0, 40))
        particles.reserveCapacity(160)
    }

    /// Adds the selected lepton (vertex zero, as the study stores it).
    mutating func setLepton(_ momentum: FourVector, electron: Bool, charge: Int) {
        lepton = Particle(momentum: momentum, kind: electron ? .electron : .muon, charge: charge)
    }

    /// A vertex near `point` with the tracker's resolution.
    private func smeared(_ point: (x: Double, y: Double, z: Double), using rng: inout EventRandom)
        -> (x: Double, y: Double, z: Double)
    {
        (point.x + rng.normal(0, 0.012), point.y + rng.normal(0, 0.012), point.z + rng.normal(0, 0.05))
    }

    /// Adds one particle if it is inside the acceptance and above its threshold, with the
    /// energy resolution of its kind.
    mutating func add(
        pt: Double, eta: Double, phi: Double, kind: Particle.Kind, charge: Int,
        vertex: (x: Double, y: Double, z: Double), using rng: inout EventRandom
    ) {
        guard abs(eta) < Self.maxEta else { return }
        let resolution = switch kind {
        case .chargedHadron, .electron, .muon: 0.02
        case .photon: 0.06
        case .neutralHadron: 0.18
        }
        let measured = pt * max(0.2, 1 + rng.normal(0, resolution))
        let threshold = kind.isCharged ? Self.trackThreshold : Self.neutralThreshold
        guard measured > threshold else { return }
        let v = kind.isCharged ? vertex : (0, 0, 0)
        particles.append(Particle(pt: measured, eta: eta, phi: wrappedPhi(phi), kind: kind, charge: charge, vertex: v))
    }

    /// Fragments a jet of this momentum into particles: pT shared by exponential weights,
    /// directions spread around the axis, 62% charged hadrons, 25% photons, 13% neutral
    /// hadrons. A b jet's B hadron flies `βγ · 0.45 mm` before decaying, and about half its
    /// tracks start there (the b-tag's displaced tracks); light jets have a small chance
    /// of a displaced V0 pair (mistags); a b jet sometimes holds a soft lepton.
    mutating func addJet(_ jet: FourVector, bottom: Bool, using rng: inout EventRandom) {
        let pt = jet.pt
        guard pt > 1, abs(jet.eta) < Self.maxEta + 0.4 else { return }
        let count = min(40, 2 + rng.poisson(1.2 + pt / 9))
        var weights = [Double](repeating: 0, count: count)
        var total = 0.0
        for i in 0..<count {
            let w = rng.exponential(1)
            weights[i] = w * w
            total += w * w
        }
        let sigma = min(0.16, 0.6 / pt.squareRoot())
        let direction = (px: jet.px / max(jet.p, 1e-9), py: jet.py / max(jet.p, 1e-9), pz: jet.pz / max(jet.p, 1e-9))
        let flight = bottom ? rng.exponential(jet.p / 5.28 * 0.45) : 0
        let decay = (
            x: primary.x + flight * direction.px, y: primary.y + flight * direction.py,
            z: primary.z + flight * direction.pz)
        let v0Flight = !bottom && rng.chance(0.04) ? rng.exponential(12) : 0
        var v0Tracks = 0
        let softLepton = bottom && rng.chance(0.2)
        for i in 0..<count {
            let particlePt = pt * weights[i] / total
            let eta = jet.eta + rng.normal(0, sigma)
            let phi = jet.phi + rng.normal(0, sigma)
            var kind = Self.kinds[rng.pick3(0.62, 0.13)]
            if softLepton, i == 0 { kind = rng.chance(0.5) ? .electron : .muon }
            guard kind.isCharged else {
                add(pt: particlePt, eta: eta, phi: phi, kind: kind, charge: 0, vertex: primary, using: &rng)
                continue
            }
            var origin = primary
            if bottom, rng.chance(0.5) {
                origin = decay
            } else if v0Flight > 0, v0Tracks < 2 {
                v0Tracks += 1
                origin = (
                    primary.x + v0Flight * direction.px, primary.y + v0Flight * direction.py,
                    primary.z + v0Flight * direction.pz)
            }
            add(pt: particlePt, eta: eta, phi: phi, kind: kind, charge: rng.chance(0.5) ? 1 : -1,
                vertex: smeared(origin, using: &rng), using: &rng)
        }
    }

    /// Soft particles spread over the detector: the underlying event, and pile-up tracks
    /// from other vertices along the beam.
    mutating func addUnderlyingEvent(mean: Double, using rng: inout EventRandom) {
        let count = rng.poisson(mean)
        for _ in 0..<count {
            let kind = Self.kinds[rng.pick3(0.6, 0.12)]
            let pt = (kind.isCharged ? 0.4 : 0.9) + rng.exponential(1.1)
            let eta = rng.uniform(-Self.maxEta, Self.maxEta)
            let phi = rng.uniform(-Double.pi, Double.pi)
            let vertex = rng.chance(0.5) ? primary : (0, 0, rng.normal(0, 40))
            add(pt: pt, eta: eta, phi: phi, kind: kind, charge: kind.isCharged ? (rng.chance(0.5) ? 1 : -1) : 0,
                vertex: smeared(vertex, using: &rng), using: &rng)
        }
    }
}
