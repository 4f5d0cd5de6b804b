import Foundation

/// The checkpoint file: the magic `TRGCKPT1`, a little-endian `UInt64` header length, a
/// JSON ``CheckpointHeader``, then the tensors' float32 values (little-endian) back to back.
struct CheckpointHeader: Codable {
    struct Entry: Codable {
        var name: String
        var shape: [Int]
        /// Offset in floats from the start of the data.
        var offset: Int
    }

    var format = 1
    var model: String
    /// Epochs completed (the next epoch to run, 0-based).
    var epoch: Int
    /// Batches trained so far (the dropout counter).
    var step: UInt64
    var seed: UInt64
    /// The optimizer's next learning rate and step count (the rate as its float32 bits).
    var learningRateBits: UInt32
    var iterations: Int
    var schedule: ScheduleState
    var history: [EpochSummary]
    /// Model parameters by name, then optimizer slots as `opt/<slot>/<parameter>`.
    var tensors: [Entry]
    /// FNV-1a (64 bits, hex) of the header's JSON without this field followed by the data:
    /// a damaged checkpoint (weights, epoch, history …) is refused instead of resumed
    /// (absent in checkpoints of older trigc).
    var checksum: String?

    /// The header's JSON as written: sorted keys, non-finite numbers as strings.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// The checksum of this header (its `checksum` left out) and `data`.
    func checksum(data: some Sequence<UInt8>) throws -> String {
        var unsigned = self
        unsigned.checksum = nil
        return Self.checksum(try unsigned.encoded() + Data(data))
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

extension Trainer {
    static let checkpointMagic = Array("TRGCKPT1".utf8)

    /// The tensors a checkpoint holds, in file order.
    private func checkpointTensors() -> [(String, DeviceTensor)] {
        var result = model.parameters.map { ($0.name, $0.value) }
        for parameter in model.parameters {
            let slots = optimizer.slots(for: parameter, device: model.device)
            for (slot, tensor) in zip(optimizer.slotNames, slots) { result.append(("opt/\(slot)/\(parameter.name)", tensor)) }
        }
        return result
    }

    /// Writes the weights, optimizer state, schedule state, step counter and history to
    /// `url`, atomically (a temporary file renamed over the target).
    public func saveCheckpoint(to url: URL) throws(TrainingError) {
        try model.device.checkHealth()
        let tensors = checkpointTensors()
        var entries: [CheckpointHeader.Entry] = []
        var offset = 0
        for (name, tensor) in tensors {
            entries.append(.init(name: name, shape: tensor.shape, offset: offset))
            offset += tensor.count
        }
        var values = Data()
        values.reserveCapacity(offset * 4)
        for (_, tensor) in tensors {
            for value in model.device.read(tensor) {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { values.append(contentsOf: $0) }
            }
        }
        // A read that failed gave zeros: they must not replace a good checkpoint.
        try model.device.checkHealth()
        var header = CheckpointHeader(
            model: model.name, epoch: completedEpochs, step: step, seed: options.seed,
            learningRateBits: optimizer.learningRate.bitPattern, iterations: optimizer.iterations,
            schedule: scheduleState, history: history, tensors: entries, checksum: nil)
        var data = Data(Self.checkpointMagic)
        do {
            header.checksum = try header.checksum(data: values)
            let json = try header.encoded()
            withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(json)
        } catch {
            throw .checkpointIO(path: url.path, reason: "cannot encode the header (\(error))")
        }
        data.append(values)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw .checkpointIO(path: temporary.path, reason: "cannot write (\(error.localizedDescription))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            throw .checkpointIO(path: url.path, reason: "cannot rename the temporary file into place (errno \(errno))")
        }
    }

    /// Restores a checkpoint written by ``saveCheckpoint(to:)`` for the same architecture:
    /// the next ``fit(_:validation:)`` continues after its epoch and ends with the weights an
    /// uninterrupted run would have had.
    public func resume(from url: URL) throws(TrainingError) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .checkpointIO(path: path, reason: "cannot read (\(error.localizedDescription))")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == Self.checkpointMagic else {
            throw .checkpointIO(path: path, reason: "not a trigc checkpoint (bad magic)")
        }
        let length = bytes[8..<16].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(bytes.count - 16) else { throw .checkpointIO(path: path, reason: "truncated header") }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let header: CheckpointHeader
        do {
            header = try decoder.decode(CheckpointHeader.self, from: Data(bytes[16 ..< 16 + Int(length)]))
        } catch {
            throw .checkpointIO(path: path, reason: "unreadable header (\(error))")
        }
        guard header.seed == options.seed else {
            throw .checkpointMismatch(path: path, reason: "it was trained with seed \(header.seed), this run uses \(options.seed)")
        }
        let base = 16 + Int(length)
        if let checksum = header.checksum, (try? header.checksum(data: bytes[base...])) != checksum {
            throw .checkpointIO(path: path, reason: "its data does not match its checksum (the file is damaged)")
        }
        let stored = Dictionary(header.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let tensors = checkpointTensors()
        for (name, tensor) in tensors {
            guard let entry = stored[name] else { throw .checkpointMismatch(path: path, reason: "no tensor '\(name)'") }
            guard entry.shape == tensor.shape else {
                throw .checkpointMismatch(path: path, reason: "tensor '\(name)' has shape \(entry.shape), the model \(tensor.shape)")
            }
            guard entry.offset >= 0, base + (entry.offset + tensor.count) * 4 <= bytes.count else {
                throw .checkpointIO(path: path, reason: "tensor '\(name)' is truncated")
            }
        }
        for (name, tensor) in tensors {
            guard let entry = stored[name] else { continue }
            var values = [Float](repeating: 0, count: tensor.count)
            for i in values.indices {
                let p = base + (entry.offset + i) * 4
                let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            values.withUnsafeBufferPointer { model.device.write($0, to: tensor, at: 0) }
        }
        completedEpochs = header.epoch
        step = header.step
        optimizer.learningRate = Float(bitPattern: header.learningRateBits)
        optimizer.iterations = header.iterations
        scheduleState = header.schedule
        history = header.history
    }
}
