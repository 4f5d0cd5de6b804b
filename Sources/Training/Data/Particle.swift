/// One reconstructed particle (a particle-flow candidate) of an event.
public struct Particle: Hashable, Sendable {
    /// The particle-flow type; each sets one of the study's five type flags.
    public enum Kind: Int, Sendable, CaseIterable {
        case chargedHadron, neutralHadron, photon, electron, muon

        /// Whether the particle leaves a track (enters the charged isolation sum).
        public var isCharged: Bool {
            switch self {
            case .chargedHadron, .electron, .muon: true
            case .neutralHadron, .photon: false
            }
        }
    }

    public var momentum: FourVector
    public var kind: Kind
    /// -1, 0 or +1.
    public var charge: Int
    /// Production vertex in mm (zero for neutral particles and for the selected lepton,
    /// as in the study).
    public var vertex: (x: Double, y: Double, z: Double)
    /// Cached `momentum.pt`, `.eta`, `.phi`.
    public let pt: Double
    public let eta: Double
    public let phi: Double

    public init(
        momentum: FourVector, kind: Kind, charge: Int = 0,
        vertex: (x: Double, y: Double, z: Double) = (0, 0, 0)
    ) {
        self.momentum = momentum
        self.kind = kind
        self.charge = charge
        self.vertex = vertex
        pt = momentum.pt
        eta = momentum.eta
        phi = momentum.phi
    }

    /// A massless particle from pT, η and φ (φ in `[-π, π)`).
    public init(
        pt: Double, eta: Double, phi: Double, kind: Kind, charge: Int = 0,
        vertex: (x: Double, y: Double, z: Double) = (0, 0, 0)
    ) {
        momentum = FourVector(pt: pt, eta: eta, phi: phi)
        self.kind = kind
        self.charge = charge
        self.vertex = vertex
        self.pt = pt
        self.eta = eta
        self.phi = phi
    }

    /// The transverse distance of the production vertex from the beam line, in mm.
    public var transverseDisplacement: Double {
        (vertex.x * vertex.x + vertex.y * vertex.y).squareRoot()
    }

    public static func == (a: Particle, b: Particle) -> Bool {
        a.momentum == b.momentum && a.kind == b.kind && a.charge == b.charge
            && a.vertex.x == b.vertex.x && a.vertex.y == b.vertex.y && a.vertex.z == b.vertex.z
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(momentum)
        hasher.combine(kind)
        hasher.combine(charge)
    }
}

/// The study's particle-flow isolations of one particle (SparkDLTrigger's `PFIso` in a
/// cone ΔR < 0.3): charged = Σ track pT / pT − 1 (the particle's own track cancels the −1
/// for charged particles; neutral ones can go down to −1, as in the study), photon and
/// neutral = Σ pT of photons / neutral hadrons in the cone (self included) / pT.
public struct Isolation: Hashable, Sendable {
    public var charged: Double
    public var photon: Double
    public var neutral: Double

    /// The cone radius of the study.
    public static let coneRadius = 0.3

    /// Isolations of every particle of an event, in the particles' order. Sorting by η
    /// restricts each cone's search to a window, so an event costs far less than n².
    public static func compute(for particles: [Particle]) -> [Isolation] {
        let order = particles.indices.sorted { particles[$0].eta < particles[$1].eta }
        let etas = order.map { particles[$0].eta }
        let r = coneRadius
        var result = [Isolation](repeating: Isolation(charged: 0, photon: 0, neutral: 0), count: particles.count)
        for i in particles.indices {
            let p = particles[i]
            guard p.pt > 0 else { continue }
            var (charged, photon, neutral) = (0.0, 0.0, 0.0)
            var k = lowerBound(etas, p.eta - r)
            while k < etas.count, etas[k] < p.eta + r {
                let q = particles[order[k]]
                k += 1
                let dEta = q.eta - p.eta
                let dPhi = wrappedPhi(q.phi - p.phi)
                guard dEta * dEta + dPhi * dPhi < r * r else { continue }
                switch q.kind {
                case .chargedHadron, .electron, .muon: charged += q.pt
                case .photon: photon += q.pt
                case .neutralHadron: neutral += q.pt
                }
            }
            result[i] = Isolation(charged: charged / p.pt - 1, photon: photon / p.pt, neutral: neutral / p.pt)
        }
        return result
    }

    /// The first index whose value is ≥ `x` in an ascending array.
    static func lowerBound(_ values: [Double], _ x: Double) -> Int {
        var (low, high) = (0, values.count)
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
