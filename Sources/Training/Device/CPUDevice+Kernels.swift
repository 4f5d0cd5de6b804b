import Foundation
import GraphIR

// The fused GRU step kernels and the optimizer updates of the CPU device.
extension CPUDevice {
    public func gruResetGate(_ s: GRUStep) {
        let u = s.units
        let x = pointer(s.input), hw = pointer(s.recurrent), h = pointer(s.previous)
        let r = pointer(s.r), rh = pointer(s.resetState)
        for e in 0..<s.input.rows {
            let xe = x + e * s.input.stride + u, he = hw + e * s.recurrent.stride + u
            for j in 0..<u {
                let gate = s.recurrentActivation.floatValue(xe[j] + he[j])
                r[e * s.r.stride + j] = gate
                rh[e * s.resetState.stride + j] = gate * h[e * s.previous.stride + j]
            }
        }
    }

    public func gruForward(_ s: GRUStep) {
        let u = s.units
        let x = pointer(s.input), hw = pointer(s.recurrent), h = pointer(s.previous), out = pointer(s.next)
        let zs = pointer(s.z), rs = pointer(s.r), cs = pointer(s.candidate)
        let mask = s.mask.map { (pointer($0), $0.stride) }
        for e in 0..<s.input.rows {
            let xe = x + e * s.input.stride, he = hw + e * s.recurrent.stride
            let hp = h + e * s.previous.stride, hn = out + e * s.next.stride
            let ze = zs + e * s.z.stride, re = rs + e * s.r.stride, ce = cs + e * s.candidate.stride
            let valid = mask.map { $0.0[e * $0.1] != 0 } ?? true
            for j in 0..<u {
                let z = s.recurrentActivation.floatValue(xe[j] + he[j])
                let c: Float
                if s.resetAfter {
                    let r = s.recurrentActivation.floatValue(xe[u + j] + he[u + j])
                    re[j] = r
                    c = s.activation.floatValue(xe[2 * u + j] + r * he[2 * u + j])
                } else {
                    c = s.activation.floatValue(xe[2 * u + j] + he[2 * u + j])
                }
                ze[j] = z
                ce[j] = c
                hn[j] = valid ? z * hp[j] + (1 - z) * c : hp[j]
            }
        }
    }

    public func gruBackward(_ s: GRUStep) {
        let u = s.units
        let dh = pointer(s.stateGradient), dprev = pointer(s.previousGradient)
        let dx = pointer(s.inputGradient), dhw = pointer(s.recurrentGradient)
        let hw = pointer(s.recurrent), h = pointer(s.previous)
        let zs = pointer(s.z), rs = pointer(s.r), cs = pointer(s.candidate)
        let mask = s.mask.map { (pointer($0), $0.stride) }
        for e in 0..<s.z.rows {
            let dhe = dh + e * s.stateGradient.stride, dpe = dprev + e * s.previousGradient.stride
            let dxe = dx + e * s.inputGradient.stride, dre = dhw + e * s.recurrentGradient.stride
            let valid = mask.map { $0.0[e * $0.1] != 0 } ?? true
            guard valid else {
                dpe.update(from: dhe, count: u)
                dxe.update(repeating: 0, count: 3 * u)
                dre.update(repeating: 0, count: 3 * u)
                continue
            }
            let he = hw + e * s.recurrent.stride, hp = h + e * s.previous.stride
            let ze = zs + e * s.z.stride, re = rs + e * s.r.stride, ce = cs + e * s.candidate.stride
            for j in 0..<u {
                let g = dhe[j], z = ze[j], c = ce[j]
                let dz = g * (hp[j] - c) * CPUMath.derivative(s.recurrentActivation, output: z)
                let dc = g * (1 - z) * CPUMath.derivative(s.activation, output: c)
                dpe[j] = g * z
                dxe[j] = dz
                dre[j] = dz
                dxe[2 * u + j] = dc
                if s.resetAfter {
                    let r = re[j]
                    let dr = dc * he[2 * u + j] * CPUMath.derivative(s.recurrentActivation, output: r)
                    dxe[u + j] = dr
                    dre[u + j] = dr
                    dre[2 * u + j] = dc * r
                } else {
                    dre[2 * u + j] = dc
                }
            }
        }
    }

    public func gruResetGateBackward(_ s: GRUStep) {
        let u = s.units
        let drh = pointer(s.resetStateGradient), dprev = pointer(s.previousGradient)
        let dx = pointer(s.inputGradient), dhw = pointer(s.recurrentGradient)
        let h = pointer(s.previous), rs = pointer(s.r)
        for e in 0..<s.r.rows {
            let de = drh + e * s.resetStateGradient.stride, dpe = dprev + e * s.previousGradient.stride
            let dxe = dx + e * s.inputGradient.stride + u, dre = dhw + e * s.recurrentGradient.stride + u
            let hp = h + e * s.previous.stride, re = rs + e * s.r.stride
            for j in 0..<u {
                let r = re[j]
                let dr = de[j] * hp[j] * CPUMath.derivative(s.recurrentActivation, output: r)
                dxe[j] = dr
                dre[j] = dr
                dpe[j] += de[j] * r
            }
        }
    }

    public func adamUpdate(parameter: DeviceTensor, gradient: DeviceTensor, m: DeviceTensor, v: DeviceTensor,
                           alpha: Float, beta1: Float, beta2: Float, epsilon: Float) {
        let p = pointer(parameter), g = pointer(gradient), ms = pointer(m), vs = pointer(v)
        let oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2
        for i in 0..<parameter.count {
            let gi = g[i]
            ms[i] += (gi - ms[i]) * oneMinusBeta1
            vs[i] += (gi * gi - vs[i]) * oneMinusBeta2
            p[i] -= (ms[i] * alpha) / (vs[i].squareRoot() + epsilon)
        }
    }

    public func sgdUpdate(parameter: DeviceTensor, gradient: DeviceTensor, velocity: DeviceTensor?,
                          learningRate: Float, momentum: Float, nesterov: Bool) {
        let p = pointer(parameter), g = pointer(gradient)
        guard let velocity else {
            for i in 0..<parameter.count { p[i] -= learningRate * g[i] }
            return
        }
        let v = pointer(velocity)
        for i in 0..<parameter.count {
            v[i] = momentum * v[i] - learningRate * g[i]
            p[i] += nesterov ? momentum * v[i] - learningRate * g[i] : v[i]
        }
    }
}
