import Foundation
import ModelIO
import Synchronization

/// A Triton-style model repository: `ROOT/<model>/config.json` and
/// `ROOT/<model>/<version>/model.ir` (or `model.h5`, `model.keras`), versions being positive
/// whole numbers. Every version of a loaded model is served; a request without a version
/// gets the highest. Models load, reload and unload while the server runs; requests already
/// queued to an unloaded model are still answered.
public final class ModelRepository: Sendable {
    public let root: URL
    /// Model files the repository looks for in a version folder, in this order.
    public static let modelFiles = ["model.ir", "model.h5", "model.keras"]

    private let keras: KerasImportOptions
    /// Told of slow steps (a design being built for the rtl backend).
    private let progress: (@Sendable (String) -> Void)?
    private let scratchRoot: URL
    private let models = Mutex<[String: [Int: ServedModel]]>([:])
    /// Why a model failed to load, for the repository index.
    private let failures = Mutex<[String: String]>([:])
    private let shuttingDown = Atomic<Bool>(false)
    private let draining = Atomic<Bool>(false)

    /// `keras` says how Keras files are imported (the CLI isolates them in a worker
    /// process). Designs of the rtl backend go to a temporary folder of the server's own.
    public init(root: String, keras: KerasImportOptions = KerasImportOptions(),
                progress: (@Sendable (String) -> Void)? = nil) throws(RepositoryError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RepositoryError("\(root): no such model repository (a folder of <model>/config.json and <model>/<version>/model.ir).")
        }
        self.root = URL(fileURLWithPath: root)
        self.keras = keras
        self.progress = progress
        scratchRoot = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-serve-\(getpid())")
        Self.removeStaleScratch(in: FileManager.default.temporaryDirectory)
    }

    /// The model folders of the repository (those holding a config.json), sorted.
    public func modelNames() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return entries.filter { name in
            !name.hasPrefix(".") && FileManager.default.fileExists(atPath: root.appendingPathComponent(name).appendingPathComponent("config.json").path)
        }.sorted()
    }

    /// Loads every model of the repository; stops at the first that fails, with its sentence.
    public func loadAll() throws(RepositoryError) {
        let names = modelNames()
        guard !names.isEmpty else {
            throw RepositoryError("\(root.path): holds no model (expected <model>/config.json and <model>/<version>/model.ir).")
        }
        for name in names {
            do {
                try load(name)
            } catch {
                throw RepositoryError(error.message)
            }
        }
    }

    /// Loads (or reloads) every version of model `name` from disk; a reload replaces the
    /// served versions only once the new ones are ready.
    public func load(_ name: String) throws(ServingError) {
        if shuttingDown.load(ordering: .relaxed) { throw ServingError(.unavailable, "the server is shutting down.") }
        guard Self.isModelName(name) else { throw ServingError(.badRequest, "'\(name)' is not a model name (letters, digits, '_', '-', '.').") }
        let folder = root.appendingPathComponent(name)
        let configPath = folder.appendingPathComponent("config.json").path
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw ServingError(.notFound, "the repository has no model '\(name)' (no \(name)/config.json).")
        }
        do throws(RepositoryError) {
            let config = try ModelConfig.read(configPath, model: name)
            let versions = try versionFiles(of: name)
            if config.backend == .rtl { try makeScratchRoot() }
            var loaded: [Int: ServedModel] = [:]
            do throws(RepositoryError) {
                for (version, file) in versions {
                    if config.backend == .rtl {
                        progress?("\(name) v\(version): compiling to Verilog and building the \(config.simulator) simulation (about a minute)…")
                    }
                    loaded[version] = try ServedModel(name: name, version: version, file: file, config: config, keras: keras,
                                                      scratchRoot: scratchRoot)
                }
            } catch {
                for model in loaded.values { model.unload() }
                throw error
            }
            let old = models.withLock { models in
                defer { models[name] = loaded }
                return models[name]
            }
            failures.withLock { _ = $0.removeValue(forKey: name) }
            for model in old?.values.map({ $0 }) ?? [] { model.unload() }
        } catch {
            failures.withLock { $0[name] = error.message }
            throw ServingError(.badRequest, error.message)
        }
    }

    /// The folder of this server's own files (rtl designs), marked as trigc's; folders of
    /// servers that died without removing theirs are removed first.
    private func makeScratchRoot() throws(RepositoryError) {
        Self.removeStaleScratch(in: scratchRoot.deletingLastPathComponent())
        do {
            try FileManager.default.createDirectory(at: scratchRoot, withIntermediateDirectories: true)
            try Data("trigc serve \(getpid())\n".utf8).write(to: scratchRoot.appendingPathComponent(Self.scratchMarker))
        } catch {
            throw RepositoryError("\(scratchRoot.path): cannot be made for the rtl designs (\(error.localizedDescription)).")
        }
    }

    static let scratchMarker = ".trigc-serve"

    /// Removes `trigc-serve-PID` folders in `folder` whose process is gone and that hold
    /// trigc's marker or nothing (a server killed with SIGKILL leaves its folder behind).
    static func removeStaleScratch(in folder: URL) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for entry in entries where entry.hasPrefix("trigc-serve-") {
            guard let pid = Int32(entry.dropFirst("trigc-serve-".count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = folder.appendingPathComponent(entry)
            let marked = FileManager.default.fileExists(atPath: path.appendingPathComponent(scratchMarker).path)
            // An empty one is removed too: a server stopped while building left only the folder.
            let empty = (try? FileManager.default.contentsOfDirectory(atPath: path.path))?.isEmpty ?? false
            guard marked || empty else { continue }
            try? FileManager.default.removeItem(at: path)
        }
    }

    /// Removes this server's own files (a server stopped while loading).
    public func removeOwnFiles() {
        if FileManager.default.fileExists(atPath: scratchRoot.appendingPathComponent(Self.scratchMarker).path) {
            try? FileManager.default.removeItem(at: scratchRoot)
        }
    }

    /// Stops serving model `name`: queued requests are answered, new ones refused.
    public func unload(_ name: String) throws(ServingError) {
        guard let old = models.withLock({ $0.removeValue(forKey: name) }) else {
            throw ServingError(.notFound, "model '\(name)' is not loaded.")
        }
        for model in old.values { model.unload() }
    }

    /// The version folders of `name` with their model file, by version.
    private func versionFiles(of name: String) throws(RepositoryError) -> [(Int, String)] {
        let folder = root.appendingPathComponent(name)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var versions: [(Int, String)] = []
        for entry in entries {
            guard let version = Int(entry), version > 0, String(version) == entry else { continue }
            let directory = folder.appendingPathComponent(entry)
            guard let file = Self.modelFiles.map({ directory.appendingPathComponent($0).path })
                .first(where: { FileManager.default.fileExists(atPath: $0) })
            else {
                throw RepositoryError("\(directory.path): holds none of \(Self.modelFiles.joined(separator: ", ")).")
            }
            versions.append((version, file))
        }
        guard !versions.isEmpty else {
            throw RepositoryError("\(folder.path): has no version folder (1/model.ir, 2/model.ir, …).")
        }
        return versions.sorted { $0.0 < $1.0 }
    }

    static func isModelName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 255 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0) }
    }

    /// The served model `name` at `version` (nil or empty: the highest).
    public func model(_ name: String, version: String? = nil) throws(ServingError) -> ServedModel {
        guard let versions = models.withLock({ $0[name] }) else {
            throw ServingError(.notFound, "model '\(name)' is not served here (see POST /v2/repository/index).")
        }
        guard let version, !version.isEmpty else {
            guard let highest = versions.keys.max(), let model = versions[highest] else {
                throw ServingError(.notFound, "model '\(name)' has no version loaded.")
            }
            return model
        }
        guard let number = Int(version), let model = versions[number] else {
            throw ServingError(.notFound, "model '\(name)' has no version '\(version)' (served: \(versions.keys.sorted().map(String.init).joined(separator: ", "))).")
        }
        return model
    }

    /// The versions of `name` being served, ascending.
    public func versions(of name: String) -> [Int] {
        models.withLock { $0[name].map { $0.keys.sorted() } ?? [] }
    }

    /// Runs one request on its model.
    public func infer(_ request: InferenceRequest) async throws(ServingError) -> (InferenceResponse, BatchTiming) {
        if shuttingDown.load(ordering: .relaxed) { throw ServingError(.unavailable, "the server is shutting down.") }
        return try await model(request.model, version: request.version).infer(request)
    }

    /// Whether every model of the repository is loaded and the server is not shutting down.
    public var isReady: Bool {
        if shuttingDown.load(ordering: .relaxed) || draining.load(ordering: .relaxed) { return false }
        let loaded = models.withLock { Set($0.keys) }
        return !loaded.isEmpty
    }

    /// One entry of the repository index.
    public struct IndexEntry: Sendable, Equatable {
        public var name: String
        public var version: String
        public var state: String
        public var reason: String
    }

    /// Every model folder, with each served version READY, or one UNAVAILABLE entry with
    /// the reason when it is not loaded.
    public func index(readyOnly: Bool = false) -> [IndexEntry] {
        let served = models.withLock { $0.mapValues { $0.keys.sorted() } }
        let failed = failures.withLock { $0 }
        var entries: [IndexEntry] = []
        for name in Set(modelNames()).union(served.keys).sorted() {
            if let versions = served[name] {
                // A reload that failed leaves the versions loaded before it serving; say so.
                let reason = failed[name].map { "the last load failed, so the versions loaded before it are served: \($0)" } ?? ""
                entries += versions.map { IndexEntry(name: name, version: "\($0)", state: "READY", reason: reason) }
            } else if !readyOnly {
                entries.append(IndexEntry(name: name, version: "", state: "UNAVAILABLE", reason: failed[name] ?? "unloaded"))
            }
        }
        return entries
    }

    /// Reports the server not ready from now on, still answering requests (shutdown has
    /// begun: the front ends stop accepting and finish what they accepted).
    public func beginDraining() {
        draining.store(true, ordering: .relaxed)
    }

    /// Refuses new requests, answers every queued one, unloads every model and removes the
    /// server's own files. Requests already past the repository finish first.
    public func shutdown() {
        shuttingDown.store(true, ordering: .relaxed)
        let all = models.withLock { models in
            defer { models = [:] }
            return models.values.flatMap(\.values)
        }
        for model in all { model.unload() }
        removeOwnFiles()
    }
}
