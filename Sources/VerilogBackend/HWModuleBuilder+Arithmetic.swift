import FixedPoint
import GraphIR

extension HWModuleBuilder {
    /// The exact product `coefficient × x` at its natural width, `W_x` plus the coefficient's
    /// own bits (two's complement when either is signed), built as a multiplication by a
    /// constant or as canonical-signed-digit shift-adds. Returns nil when the coefficient is
    /// zero (the product is 0).
    mutating func multiply(
        _ x: FixedSignal, byConstant coefficient: Int64, format: FixedFormat, mapping: MultiplierMapping,
        name: String
    ) -> FixedSignal? {
        guard coefficient != 0 else { return nil }
        let signed = x.signed || format.isSigned || coefficient < 0
        let coefficientWidth = signed ? Self.signedBits(coefficient) : 64 - coefficient.leadingZeroBitCount
        let width = x.width + coefficientWidth
        let wide = extend(x.value, to: width, signed: x.signed)
        let product: HWValue
        switch mapping {
        case .dsp:
            product = add(.mul(wide, constant(coefficient, width: width), signed: signed), width: width, name: name)
        case .shiftAdd:
            product = shiftAdd(wide, coefficient: coefficient, signed: signed, name: name)
        }
        return FixedSignal(product, width: width, signed: signed,
                           fractionalBits: x.fractionalBits + format.fractionalBits)
    }

    /// `Σ ±wide·2^k` over the coefficient's canonical signed digits, modulo 2^width(wide).
    /// The digits go from the lowest position up, and a term `±wide·2^k` leaves the partial
    /// sum's bits below k as they are, so each add spans only the bits from k up.
    private mutating func shiftAdd(_ wide: HWValue, coefficient: Int64, signed: Bool, name: String) -> HWValue {
        let width = width(wide)
        var partial: HWValue?
        for (position, digit) in Self.canonicalSignedDigits(coefficient) where position < width {
            let span = width - position
            let x = extract(wide, low: 0, width: span)
            let high: HWValue
            if let p = partial {
                high = carryAdd(extract(p, low: position, width: span), x, subtract: digit < 0, cap: span,
                                signed: signed, keep: false)
            } else {
                high = digit > 0 ? x : carryAdd(constant(0, width: span), x, subtract: true, cap: span,
                                                signed: signed, keep: false)
            }
            let top = extract(high, low: 0, width: span)
            if let p = partial, position > 0 {
                partial = add(.concat([top, extract(p, low: 0, width: position)]), width: width)
            } else {
                partial = position > 0 ? add(.concat([top, constant(0, width: position)]), width: width) : top
            }
        }
        return extract(partial ?? constant(0, width: width), low: 0, width: width, name: name)
    }

    /// `a + b` (or `a - b`) exactly, one bit wider than the wider operand, or modulo 2^cap:
    /// an operand wider than `cap` bits is first cut to its low `cap` bits, and the result
    /// has at most `cap + 1` bits, of which a reader summing modulo 2^cap takes the low `cap`.
    /// The operands are extended (`signed`: sign extension) to the result's width, so no add
    /// reads another add's result whole, and the result is `keep` (so that Yosys does not trim
    /// its unused top bit and then see whole results again): Yosys then maps each add to a
    /// carry chain of its own instead of folding a tree into one `$macc` (many more LUTs).
    mutating func carryAdd(
        _ a: HWValue, _ b: HWValue, subtract: Bool = false, cap: Int, signed: Bool, keep: Bool = true,
        name: String? = nil
    ) -> HWValue {
        let a1 = width(a) > cap ? extract(a, low: 0, width: cap) : a
        let b1 = width(b) > cap ? extract(b, low: 0, width: cap) : b
        let w = max(width(a1), width(b1)) + 1
        // At the cap only the low `cap` bits count: zero extension makes the extra bit the
        // chain's carry out, which costs no LUT.
        let sign = signed && w <= cap
        let (ea, eb) = (extend(a1, to: w, signed: sign), extend(b1, to: w, signed: sign))
        return add(subtract ? .sub(ea, eb, signed: signed) : .add(ea, eb, signed: signed), width: w, name: name,
                   keep: keep)
    }

    /// The exact product of two signals, `W_a + W_b` bits wide.
    mutating func multiply(_ a: FixedSignal, _ b: FixedSignal, name: String? = nil) -> FixedSignal {
        let width = a.width + b.width
        let signed = a.signed || b.signed
        let product = add(.mul(extend(a.value, to: width, signed: a.signed), extend(b.value, to: width, signed: b.signed),
                               signed: signed), width: width, name: name)
        return FixedSignal(product, width: width, signed: signed, fractionalBits: a.fractionalBits + b.fractionalBits)
    }

    /// `value = Σ digit·2^position` with digits ±1 and no two adjacent (canonical signed digits).
    static func canonicalSignedDigits(_ value: Int64) -> [(position: Int, digit: Int64)] {
        var n = value
        var position = 0
        var digits: [(Int, Int64)] = []
        while n != 0 {
            if n & 1 == 1 {
                let digit: Int64 = 2 - (n & 3)
                digits.append((position, digit))
                n -= digit
            }
            n >>= 1
            position += 1
        }
        return digits
    }

    /// Sums each row of `rows` (values of any width up to `width`, read as `signed`) with a
    /// balanced tree of ``carryAdd(_:_:subtract:cap:signed:name:)``: each add is exactly as
    /// wide as its operands need, up to `width + 1` bits, and the sums are modulo 2^width
    /// (`width` bits). All rows go level by level, with a register (enabled by `enable`) after
    /// every `levelsPerStage` levels except the last. Returns the sums and the number of
    /// register stages inserted (the same for every row).
    mutating func adderTrees(
        _ rows: [[HWValue]], width: Int, signed: Bool, levelsPerStage: Int?, enable: HWValue?, name: String
    ) -> (sums: [HWValue], stages: Int) {
        var current = rows.map { $0.isEmpty ? [constant(0, width: width)] : $0 }
        let longest = current.map(\.count).max() ?? 1
        var levels = 0
        while (1 << levels) < longest { levels += 1 }
        var stages = 0
        for level in 1...max(levels, 1) where levels > 0 {
            for (r, row) in current.enumerated() {
                var next: [HWValue] = []
                var i = 0
                while i < row.count {
                    if i + 1 < row.count {
                        next.append(carryAdd(row[i], row[i + 1], cap: width, signed: signed,
                                             name: "\(name)_\(r)_l\(level)_\(i / 2)"))
                    } else {
                        next.append(row[i])
                    }
                    i += 2
                }
                current[r] = next
            }
            if let n = levelsPerStage, n > 0, level % n == 0, level < levels {
                stages += 1
                current = current.enumerated().map { r, row in
                    row.enumerated().map { i, v in
                        register(v, enable: enable, name: "\(name)_\(r)_r\(level)_\(i)")
                    }
                }
            }
        }
        return (current.map { resize($0[0], to: width, signed: signed) }, stages)
    }

    /// `table.lookup(raw: table.inputFormat.convert(v))` as hardware: the conversion, the
    /// index of ``ActivationTable/index(raw:)`` (offset from the lower bound, shifted, clamped
    /// to the table) and a read of the table's ROM. The result is a raw code of the table's
    /// output format.
    mutating func lookup(
        _ v: FixedSignal, table: ActivationTable, rom: HWModule, name: String
    ) throws(VerilogError) -> FixedSignal {
        let input = table.inputFormat
        let u = try convert(v, to: input, name: "\(name)_u")
        let lowWidth = Self.signedBits(table.lowerBoundRaw)
        let k = max(input.width, lowWidth) + 2
        guard k <= 62 else { throw .unsupported(what: "an activation table over \(input)") }
        let offset = add(.sub(extend(u, to: k, signed: input.isSigned), constant(table.lowerBoundRaw, width: k),
                              signed: true), width: k, name: "\(name)_offset")
        let shift = table.log2Step + input.fractionalBits
        let index: HWValue
        if shift >= 0 {
            index = shift == 0 ? offset : add(.shr(offset, min(shift, k - 1), arithmetic: true), width: k)
        } else {
            guard -shift <= 40 else { throw .unsupported(what: "an activation table with step 2^\(table.log2Step) over \(input)") }
            index = add(.shl(extend(offset, to: k - shift, signed: true), -shift), width: k - shift)
        }
        let iw = width(index)
        let count = Int64(table.entries.count)
        let addressWidth = rom.inputs[0].width
        let negative = bit(index, iw - 1)
        var address = resize(index, to: addressWidth, signed: true)
        if iw - 1 < 62, count - 1 < (Int64(1) << Int64(iw - 1)) - 1 {
            let over = compare(.sgt, index, constant(count - 1, width: iw))
            address = mux(over, constant(count - 1, width: addressWidth), address)
        }
        address = mux(negative, constant(0, width: addressWidth), address, name: "\(name)_index")
        let data = instantiate(rom, name: name, inputs: [address])[0]
        return FixedSignal(data, format: table.outputFormat)
    }

    /// Bits of the two's complement of `value` (sign bit included).
    static func signedBits(_ value: Int64) -> Int {
        let magnitude = value < 0 ? ~value : value
        return 65 - magnitude.leadingZeroBitCount
    }
}

/// The ROM module holding a table's entries.
func romModule(name: String, table: ActivationTable) -> HWModule {
    var addressWidth = 1
    while (1 << addressWidth) < table.entries.count { addressWidth += 1 }
    let rom = HWROM(entries: table.entries, addressWidth: addressWidth, dataWidth: table.outputFormat.width)
    return HWModule(
        name: name, inputs: [HWPort(name: "address", width: addressWidth)],
        outputs: [HWPort(name: "data", width: rom.dataWidth, comment: "\(table.outputFormat)")],
        body: .rom(rom),
        comments: ["\(table.function.rawValue) table: \(table.entries.count) entries of \(table.outputFormat), "
            + "input \(table.inputFormat) from raw \(table.lowerBoundRaw), step 2^\(table.log2Step)"])
}
