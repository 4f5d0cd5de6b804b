import Foundation
import GraphIR
import Interpreter
import ModelIO
import Training

/// Reads and writes the per-input event batches of a model from and to HDF5.
///
/// A data file holds one dataset per model input, named after the input, shaped
/// `[events] + input shape`, of any numeric type. NaN and infinity are refused.
enum EventData {
    /// The batches for every graph input, the first `limit` events (all when nil); input
    /// `name` reads dataset `datasets[name] ?? name`.
    static func read(
        _ path: String, for graph: Graph, limit: Int? = nil, datasets: [String: String] = [:]
    ) throws -> [String: Batch] {
        let datasets = try eventFileDatasets(path, for: graph, given: datasets)
        let file = try HDF5File(path: path)
        var batches: [String: Batch] = [:]
        for name in graph.inputs {
            guard let node = graph[name], case let .input(shape) = node.op else { continue }
            let dataset = datasets[name] ?? name
            var array = try file.readFloats(dataset)
            guard array.shape.count == shape.count + 1, Array(array.shape.dropFirst()) == shape else {
                throw CLIError.inputShape(file: path, input: dataset == name ? "'\(name)'" : "'\(dataset)' (model input '\(name)')", expected: shape, found: array.shape)
            }
            if let bad = array.values.firstIndex(where: { !$0.isFinite }) {
                throw ModelIOError.nonFinite(path: path, name: dataset, index: bad)
            }
            var count = array.shape[0]
            if let limit, limit < count {
                count = limit
                array.values = Array(array.values.prefix(count * shape.reduce(1, *)))
            }
            batches[name] = Batch(count: count, shape: shape, values: array.values)
        }
        let counts = batches.mapValues(\.count)
        guard Set(counts.values).count <= 1 else { throw CLIError.inputCounts(file: path, counts: counts) }
        guard let count = counts.values.first, count > 0 else { throw CLIError.noEvents(file: path) }
        return batches
    }

    /// The datasets `graph`'s inputs read, checked in a worker first: those named after the
    /// inputs (or given by `--input-dataset`), or, in an event file of the built-in schema
    /// (`trigc datagen`) that lacks them, the study inputs' own datasets (`hlf_input` reads
    /// `hlf`, `gru_input` reads `particles`: raw features, which a model exported with its
    /// scaler scales).
    static func eventFileDatasets(_ path: String, for graph: Graph, given: [String: String]) throws -> [String: String] {
        let names = graph.inputs.map { given[$0] ?? $0 }
        try DataFileGuard.checkDatasets(path, names: names)
        let study = graph.inputs.compactMap { name in StudyInput(name: name).map { (name, $0) } }
        guard given.isEmpty, study.count == graph.inputs.count, !study.isEmpty else { return given }
        let file = try HDF5File(path: path)
        guard !names.allSatisfy(file.hasDataset), file.hasDataset(EventSchema.label) else { return given }
        try DataFileGuard.checkEvents(path)
        let mapped = Dictionary(uniqueKeysWithValues: study.map { ($0.0, $0.1 == .hlf ? EventSchema.hlf : EventSchema.particles) })
        let described = mapped.sorted { $0.key < $1.key }.map { "'\($0.value)' as \($0.key)" }.joined(separator: ", ")
        FileHandle.standardError.write(Data(("note: \(path) is an event file: reading \(described) (raw features: the "
            + "model's own scaler must scale them, as RUN/model.ir does; in fixed point, 'trigc evaluate RUN/ --fixed F' "
            + "scales them on the host first).\n").utf8))
        return mapped
    }

    /// Seeded random events for a graph's inputs: standard-normal features; sequences get
    /// a random true length per event with zero rows after it (so masking has work to do).
    static func random(for graph: Graph, events: Int, seed: UInt64) -> [String: (batch: Batch, lengths: [Int32]?)] {
        var rng = SplitMix64(seed: seed)
        var result: [String: (Batch, [Int32]?)] = [:]
        for name in graph.inputs {
            guard let node = graph[name], case let .input(shape) = node.op else { continue }
            let perEvent = shape.reduce(1, *)
            var values = [Float](repeating: 0, count: events * perEvent)
            var lengths: [Int32]? = nil
            if shape.count == 2 {
                let (steps, features) = (shape[0], shape[1])
                var eventLengths = [Int32]()
                for event in 0..<events {
                    let length = 1 + Int(rng.next() % UInt64(steps))
                    eventLengths.append(Int32(length))
                    for i in 0..<(length * features) { values[event * perEvent + i] = rng.nextNormal() }
                }
                lengths = eventLengths
            } else {
                for i in values.indices { values[i] = rng.nextNormal() }
            }
            result[name] = (Batch(count: events, shape: shape, values: values), lengths)
        }
        return result
    }
}

extension SplitMix64 {
    /// A standard-normal value (Box–Muller), never exactly zero so that only padding masks.
    mutating func nextNormal() -> Float {
        let u1 = (Double(next() >> 11) + 0.5) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        let value = Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
        return value == 0 ? Float.leastNormalMagnitude : value
    }
}
