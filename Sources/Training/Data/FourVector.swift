import Foundation

/// A Lorentz vector (px, py, pz, E) in GeV, with the collider coordinates the study uses.
public struct FourVector: Hashable, Sendable {
    public var px: Double
    public var py: Double
    public var pz: Double
    public var e: Double

    public init(px: Double, py: Double, pz: Double, e: Double) {
        (self.px, self.py, self.pz, self.e) = (px, py, pz, e)
    }

    /// From transverse momentum, pseudorapidity, azimuth and mass.
    public init(pt: Double, eta: Double, phi: Double, mass: Double = 0) {
        let p = abs(pt)
        px = p * cos(phi)
        py = p * sin(phi)
        pz = p * sinh(eta)
        e = (px * px + py * py + pz * pz + mass * mass).squareRoot()
    }

    /// From transverse momentum, rapidity, azimuth and mass.
    static func rapidity(pt: Double, y: Double, phi: Double, mass: Double) -> FourVector {
        let mt = (pt * pt + mass * mass).squareRoot()
        return FourVector(px: pt * cos(phi), py: pt * sin(phi), pz: mt * sinh(y), e: mt * cosh(y))
    }

    public var pt: Double { (px * px + py * py).squareRoot() }
    public var p: Double { (px * px + py * py + pz * pz).squareRoot() }
    public var phi: Double { atan2(py, px) }

    /// Pseudorapidity, 0 for a vector along the beam's axis of zero length.
    public var eta: Double {
        let pt = self.pt
        return pt == 0 ? 0 : asinh(pz / pt)
    }

    public var mass: Double { max(0, e * e - p * p).squareRoot() }

    public static func + (a: FourVector, b: FourVector) -> FourVector {
        FourVector(px: a.px + b.px, py: a.py + b.py, pz: a.pz + b.pz, e: a.e + b.e)
    }

    /// This vector boosted by the velocity of `frame` (from the frame's rest frame to the lab).
    func boosted(toFrameOf frame: FourVector) -> FourVector {
        let (bx, by, bz) = (frame.px / frame.e, frame.py / frame.e, frame.pz / frame.e)
        let b2 = bx * bx + by * by + bz * bz
        guard b2 > 0, b2 < 1 else { return self }
        let gamma = 1 / (1 - b2).squareRoot()
        let bp = bx * px + by * py + bz * pz
        let g2 = (gamma - 1) / b2
        let k = g2 * bp + gamma * e
        return FourVector(px: px + k * bx, py: py + k * by, pz: pz + k * bz, e: gamma * (e + bp))
    }

    /// The two products of an isotropic two-body decay of a particle with this momentum
    /// into masses `m1` and `m2` (a parent lighter than `m1 + m2` decays at threshold).
    func decay(
        _ m1: Double, _ m2: Double, using rng: inout EventRandom
    ) -> (FourVector, FourVector) {
        let m = mass
        let s = max(0, (m * m - (m1 + m2) * (m1 + m2)) * (m * m - (m1 - m2) * (m1 - m2)))
        let q = m > 0 ? s.squareRoot() / (2 * m) : 0
        let cosTheta = rng.uniform(-1, 1)
        let sinTheta = (1 - cosTheta * cosTheta).squareRoot()
        let phi = rng.uniform(-Double.pi, Double.pi)
        let (x, y, z) = (q * sinTheta * cos(phi), q * sinTheta * sin(phi), q * cosTheta)
        let a = FourVector(px: x, py: y, pz: z, e: (q * q + m1 * m1).squareRoot())
        let b = FourVector(px: -x, py: -y, pz: -z, e: (q * q + m2 * m2).squareRoot())
        return (a.boosted(toFrameOf: self), b.boosted(toFrameOf: self))
    }
}

/// An angle brought into `[-π, π)`.
func wrappedPhi(_ phi: Double) -> Double {
    var x = phi
    while x >= Double.pi { x -= 2 * Double.pi }
    while x < -Double.pi { x += 2 * Double.pi }
    return x
}

/// ΔR = sqrt(Δη² + Δφ²) with Δφ wrapped into `[-π, π)`.
func deltaR(_ eta1: Double, _ phi1: Double, _ eta2: Double, _ phi2: Double) -> Double {
    let dEta = eta1 - eta2
    let dPhi = wrappedPhi(phi1 - phi2)
    return (dEta * dEta + dPhi * dPhi).squareRoot()
}
