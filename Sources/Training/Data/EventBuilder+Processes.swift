import Foundation

/// The hard processes of the three classes. Every event has one selected lepton with
/// pT > 25 GeV and |η| < 2.4 (the study's selection, met by construction); the classes
/// differ in how the lepton arises and what recoils against it.
extension EventBuilder {
    static let leptonPtCut = 25.0
    static let leptonEtaCut = 2.4

    static func passes(_ lepton: FourVector) -> Bool {
        lepton.pt > leptonPtCut && abs(lepton.eta) < leptonEtaCut
    }

    /// A jet four-vector with a falling pT spectrum above `minimum`.
    static func randomJet(minimum: Double, mean: Double, etaSpread: Double, using rng: inout EventRandom) -> FourVector {
        FourVector(
            pt: minimum + rng.exponential(mean), eta: rng.normal(0, etaSpread),
            phi: rng.uniform(-Double.pi, Double.pi), mass: 5)
    }

    /// W+jets: a W recoiling against 0–4 jets, decaying to a lepton and a neutrino.
    mutating func wJets(using rng: inout EventRandom) {
        let jetCount = rng.pick([0.30, 0.36, 0.21, 0.09, 0.04])
        var jets: [(FourVector, Bool)] = []
        var (recoilX, recoilY) = (rng.normal(0, 7), rng.normal(0, 7))
        for i in 0..<jetCount {
            let jet = Self.randomJet(minimum: 18, mean: i == 0 ? 40 : 25, etaSpread: 1.6, using: &rng)
            jets.append((jet, rng.chance(0.05)))
            recoilX -= jet.px
            recoilY -= jet.py
        }
        var lepton = FourVector(px: 0, py: 0, pz: 0, e: 0)
        for _ in 0..<64 {
            let mass = rng.breitWigner(80.4, 2.1, 60, 100)
            let pt = (recoilX * recoilX + recoilY * recoilY).squareRoot()
            let w = FourVector.rapidity(pt: pt, y: rng.normal(0, 1.4), phi: atan2(recoilY, recoilX), mass: mass)
            let (l, _) = w.decay(0, 0, using: &rng)
            lepton = l
            if Self.passes(l) { break }
        }
        if !Self.passes(lepton) { lepton = FourVector(pt: 30, eta: 0, phi: 0) }
        setLepton(lepton, electron: rng.chance(0.5), charge: rng.chance(0.5) ? 1 : -1)
        for (jet, bottom) in jets { addJet(jet, bottom: bottom, using: &rng) }
        addUnderlyingEvent(mean: 14, using: &rng)
    }

    /// tt̄ → (b ℓ ν)(b q q̄'), with initial-state radiation; one in ten is dileptonic
    /// (the second lepton stays an ordinary particle).
    mutating func ttbar(using rng: inout EventRandom) {
        let pt = 5 + rng.exponential(85)
        let phi = rng.uniform(-Double.pi, Double.pi)
        let top1 = FourVector.rapidity(pt: pt, y: rng.normal(0, 1.1), phi: phi, mass: rng.breitWigner(172.5, 1.4, 165, 180))
        let kx = -top1.px + rng.normal(0, 15)
        let ky = -top1.py + rng.normal(0, 15)
        let top2 = FourVector.rapidity(
            pt: (kx * kx + ky * ky).squareRoot(), y: rng.normal(0, 1.1), phi: atan2(ky, kx),
            mass: rng.breitWigner(172.5, 1.4, 165, 180))
        var chosen: (lepton: FourVector, b: FourVector)?
        for _ in 0..<64 {
            let (w, b) = top1.decay(rng.breitWigner(80.4, 2.1, 60, 100), 4.8, using: &rng)
            let (l, _) = w.decay(0, 0, using: &rng)
            chosen = (l, b)
            if Self.passes(l) { break }
        }
        guard let chosen, Self.passes(chosen.lepton) else {
            setLepton(FourVector(pt: 30, eta: 0, phi: 0), electron: true, charge: 1)
            addUnderlyingEvent(mean: 16, using: &rng)
            return
        }
        let charge = rng.chance(0.5) ? 1 : -1
        setLepton(chosen.lepton, electron: rng.chance(0.5), charge: charge)
        addJet(chosen.b, bottom: true, using: &rng)
        let (w2, b2) = top2.decay(rng.breitWigner(80.4, 2.1, 60, 100), 4.8, using: &rng)
        addJet(b2, bottom: true, using: &rng)
        if rng.chance(0.1) {
            let (l2, _) = w2.decay(0, 0, using: &rng)
            let kind: Particle.Kind = rng.chance(0.5) ? .electron : .muon
            add(pt: l2.pt, eta: l2.eta, phi: l2.phi, kind: kind, charge: -charge, vertex: primary, using: &rng)
        } else {
            let (q1, q2) = w2.decay(0.3, 0.3, using: &rng)
            addJet(q1, bottom: false, using: &rng)
            addJet(q2, bottom: false, using: &rng)
        }
        for _ in 0..<rng.poisson(0.7) {
            addJet(Self.randomJet(minimum: 15, mean: 25, etaSpread: 1.8, using: &rng), bottom: false, using: &rng)
        }
        addUnderlyingEvent(mean: 16, using: &rng)
    }

    /// QCD multijet: the "lepton" is non-prompt — a heavy-flavour decay or a misidentified
    /// hadron inside a jet, with the rest of that jet nearby (so it is rarely well
    /// isolated) and, for semileptonic decays, a neutrino along it (some MET, low MT).
    mutating func qcd(using rng: inout EventRandom) {
        let leptonPt = Self.leptonPtCut + rng.exponential(11)
        let eta = rng.uniform(-Self.leptonEtaCut, Self.leptonEtaCut) * 0.999
        let phi = rng.uniform(-Double.pi, Double.pi)
        let lepton = FourVector(pt: leptonPt, eta: eta, phi: phi)
        let heavy = rng.chance(0.55)
        setLepton(lepton, electron: rng.chance(0.5), charge: rng.chance(0.5) ? 1 : -1)
        // The rest of the host jet, a little apart from the lepton.
        let restPt = leptonPt * rng.exponential(0.7)
        let offset = rng.exponential(0.12)
        let angle = rng.uniform(-Double.pi, Double.pi)
        let rest = FourVector(pt: restPt, eta: eta + offset * cos(angle), phi: phi + offset * sin(angle), mass: 2)
        addJet(rest, bottom: heavy, using: &rng)
        let neutrino = heavy && rng.chance(0.6) ? FourVector(pt: leptonPt * rng.uniform(0.05, 0.7), eta: eta, phi: phi) : nil
        let host = lepton + rest + (neutrino ?? FourVector(px: 0, py: 0, pz: 0, e: 0))
        var (recoilX, recoilY) = (-host.px + rng.normal(0, 8), -host.py + rng.normal(0, 8))
        for _ in 0..<rng.pick([0.45, 0.32, 0.16, 0.07]) {
            let jet = Self.randomJet(minimum: 15, mean: 28, etaSpread: 1.6, using: &rng)
            addJet(jet, bottom: rng.chance(heavy ? 0.15 : 0.03), using: &rng)
            recoilX -= jet.px
            recoilY -= jet.py
        }
        let recoil = FourVector(
            pt: (recoilX * recoilX + recoilY * recoilY).squareRoot(), eta: rng.normal(0, 1.5),
            phi: atan2(recoilY, recoilX), mass: 5)
        addJet(recoil, bottom: heavy && rng.chance(0.5), using: &rng)
        addUnderlyingEvent(mean: 14, using: &rng)
    }
}
