import Training

/// The study's preparation (``DataPreparation/prepare(_:options:file:)``) without loading
/// the file: the same training, validation and test events (the split needs only the
/// labels), the same scalers fitted by one streamed pass over the training events, and a
/// stream for each part.
public struct StreamedData {
    public var train: EventStream
    /// Held out of the training part (nil when the options ask for none).
    public var validation: EventStream?
    public var test: EventStream
    public var hlfScaler: MinMaxScaler
    /// Fitted only when the model reads particles (nil otherwise: nothing would use it).
    public var particleScaler: MinMaxScaler?
    /// Number of training events of each class, indexed by label.
    public var trainClassCounts: [Int]

    /// The scalers of the inputs the streams deliver, keyed by input name.
    public var inputScaling: [String: InputScaling] {
        var scaling = [StudyInput.hlf.name: hlfScaler.inputScaling]
        if let particleScaler { scaling[StudyInput.particles.name] = particleScaler.inputScaling }
        return scaling
    }

    /// Splits the events of `reader`'s file as `options` say, fits the scalers on the
    /// training events (read chunk by chunk, prefetched) and makes the streams for a model
    /// with these `inputs`.
    public static func prepare(
        _ reader: EventReader, options: PreparationOptions, inputs: Set<String>, chunkEvents: Int
    ) throws -> StreamedData {
        let parts = try DataPreparation.splitIndices(labels: reader.index.labels, options: options, file: reader.path)
        let particles = inputs.contains(StudyInput.particles.name)
        let (hlfScaler, particleScaler) = try fitScalers(reader, rows: parts.train, chunkEvents: chunkEvents, particles: particles)
        func stream(_ rows: [Int]) -> EventStream {
            EventStream(reader: reader, rows: rows, chunkEvents: chunkEvents, inputs: inputs, hlfScaler: hlfScaler,
                        particleScaler: particleScaler ?? MinMaxFit(features: EventSchema.particleFeatureCount).scaler)
        }
        var counts = [Int](repeating: 0, count: EventSchema.classCount)
        for row in parts.train { counts[Int(reader.index.labels[row])] += 1 }
        return StreamedData(
            train: stream(parts.train), validation: parts.validation.isEmpty ? nil : stream(parts.validation),
            test: stream(parts.test), hlfScaler: hlfScaler, particleScaler: particleScaler, trainClassCounts: counts)
    }

    /// Every event of another file (`--validation-data`, `--test-data`), in file order, with
    /// the training scalers.
    public func whole(_ reader: EventReader) -> EventStream {
        EventStream(reader: reader, rows: Array(0..<reader.index.count), chunkEvents: train.chunkEvents, inputs: train.inputs,
                    hlfScaler: hlfScaler, particleScaler: train.particleScaler)
    }

    /// MinMax scalers of the events at `rows`, taken in that order as in memory (so the
    /// scalers are the same bits): the high-level features, and the real particle rows when
    /// `particles`.
    public static func fitScalers(
        _ reader: EventReader, rows: [Int], chunkEvents: Int, particles: Bool
    ) throws -> (hlf: MinMaxScaler, particles: MinMaxScaler?) {
        var hlfFit = MinMaxFit(features: EventSchema.hlfFeatureCount)
        var particleFit = MinMaxFit(features: EventSchema.particleFeatureCount)
        let chunks = (rows.count + chunkEvents - 1) / chunkEvents
        let prefetcher = Prefetcher<(EventDataset, [Int])>(count: chunks) { chunk in
            try reader.read(rows: rows[(chunk * chunkEvents) ..< min(rows.count, (chunk + 1) * chunkEvents)], particles: particles)
        }
        while let (data, positions) = try prefetcher.next() {
            hlfFit.add(data.hlf, rows: positions)
            guard particles else { continue }
            var real: [Int] = []
            for event in positions {
                let first = event * data.maxParticles
                real.append(contentsOf: first ..< first + Int(data.lengths[event]))
            }
            particleFit.add(data.particles, rows: real)
        }
        return (hlfFit.scaler, particles ? particleFit.scaler : nil)
    }
}
