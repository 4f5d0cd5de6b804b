import Foundation
import Testing
import ToolProcess

/// `mpirun -np 2 trigc train ... --distributed` (Open MPI from `make deps`): the same
/// figures as one process, rank 0 alone writes, and `--resume` continues exactly.
@Suite(.serialized) struct DistributedCLITests {
    /// `mpirun` on PATH, which `make deps` installs (openmpi-bin).
    static func mpirun() throws -> String {
        try #require(ExecutableSearch.find("mpirun"), "mpirun is not on PATH: make deps installs openmpi-bin")
    }

    /// Runs `trigc ARGUMENTS --distributed` as `ranks` MPI processes.
    static func distributed(_ ranks: Int, _ arguments: [String]) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_MCA_btl"] = "self,vader"  // one machine: shared memory, no network probing
        // As root (CI containers) Open MPI needs to be told; --oversubscribe: more ranks than cores.
        return try runProcess(try mpirun(), ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", builtBinary("trigc").path]
            + arguments + ["--distributed"], environment: environment)
    }

    struct Figures: Decodable {
        struct Epoch: Decodable { var loss: Double; var validationLoss: Double? }
        var auc: [String: Double]
        var epochs: [Epoch]
    }

    static func figures(_ run: String) throws -> Figures {
        let data = try #require(FileManager.default.contents(atPath: "\(run)/metrics.json"))
        return try JSONDecoder().decode(Figures.self, from: data)
    }

    @Test(arguments: ["hlf", "inclusive"])
    func twoRanksTrainLikeOneProcess(model: String) throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "3000", "--seed", "6", "--max-particles", "6", "-o", "\(dir)/ev.h5").status == 0)
        let common = ["train", "--model", model, "--data", "\(dir)/ev.h5", "--epochs", "2", "--batch", "64", "--units", "8"]
            .filter { model != "hlf" || ($0 != "--units" && $0 != "8") }
        let alone = try trigc(arguments: common + ["--out", "\(dir)/alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let together = try Self.distributed(2, common + ["--out", "\(dir)/together"])
        #expect(together.status == 0, "\(together.stderr)")
        #expect(together.stdout.contains("distributed: 2 ranks"))
        // Rank 0 alone printed the summary.
        #expect(together.stdout.components(separatedBy: "model: ").count == 2, "\(together.stdout)")
        let a = try Self.figures("\(dir)/alone"), b = try Self.figures("\(dir)/together")
        #expect(a.epochs.count == 2 && b.epochs.count == 2)
        for (x, y) in zip(a.epochs, b.epochs) {
            #expect(abs(x.loss - y.loss) <= 1e-6, "loss \(x.loss) vs \(y.loss)")
            #expect(abs((x.validationLoss ?? 0) - (y.validationLoss ?? 0)) <= 1e-6)
        }
        for (name, auc) in a.auc { #expect(abs(auc - (b.auc[name] ?? 0)) <= 1e-4, "\(name)") }
    }

    @Test func aResumedDistributedRunEqualsAStraightOne() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "2000", "--seed", "7", "--max-particles", "4", "-o", "\(dir)/ev.h5").status == 0)
        let common = ["train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--batch", "32"]
        #expect(try Self.distributed(2, common + ["--epochs", "3", "--out", "\(dir)/straight"]).status == 0)
        #expect(try Self.distributed(2, common + ["--epochs", "2", "--out", "\(dir)/parts"]).status == 0)
        // The run keeps its target: raising it needs --epochs once, later resumes remember it.
        let resumed = try Self.distributed(2, ["train", "--resume", "--epochs", "3", "--out", "\(dir)/parts"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.contents(atPath: "\(dir)/straight/model.ir")
            == FileManager.default.contents(atPath: "\(dir)/parts/model.ir"))
    }

    @Test func aBadOptionEndsEveryRank() throws {
        let dir = try scratch()
        let result = try Self.distributed(2, ["train", "--model", "hlf", "--data", "\(dir)/missing.h5", "--out", "\(dir)/run"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("missing.h5"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/run"))
    }
}
