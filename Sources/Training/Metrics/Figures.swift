import Foundation
import GraphIR
import ToolProcess

/// The figures of a training run or an evaluation: ROC curves and loss curves as plots,
/// and what goes next to them in JSON.
public enum Figures {
    /// One ROC curve per class (TPR against FPR) with the diagonal of a random classifier.
    public static func rocPlot(_ metrics: ClassificationMetrics, classNames: [String], title: String) -> LinePlot {
        var series = rocSeries(metrics, classNames: classNames)
        series.append(LinePlot.Series(name: "", points: [(0, 0), (1, 1)], color: "#999999", dashed: true))
        return LinePlot(title: title, xLabel: "false positive rate", yLabel: "true positive rate",
                        xRange: 0...1, yRange: 0...1, series: series, legend: .bottomRight)
    }

    /// One ROC series per class, "NAME[ LABEL] (AUC a)", in the palette's colours.
    static func rocSeries(_ metrics: ClassificationMetrics, classNames: [String], label: String? = nil,
                          dashed: Bool = false) -> [LinePlot.Series] {
        metrics.roc.enumerated().map { c, curve in
            let name = (c < classNames.count ? classNames[c] : "class \(c)") + (label.map { " \($0)" } ?? "")
            return LinePlot.Series(
                name: "\(name) (AUC \(curve.isDefined ? String(format: "%.4f", curve.auc) : "n/a"))",
                points: curve.thinned(to: 400).map { (x: $0.fpr, y: $0.tpr) },
                color: LinePlot.palette[c % LinePlot.palette.count], dashed: dashed)
        }
    }

    /// Training and validation loss per epoch.
    public static func lossPlot(losses: [Double], validationLosses: [Double?], title: String) -> LinePlot {
        let train = losses.enumerated().map { (x: Double($0 + 1), y: $1) }
        let validation = validationLosses.enumerated().compactMap { i, v in v.map { (x: Double(i + 1), y: $0) } }
        let all = losses + validationLosses.compactMap { $0 }
        let high = max(all.max() ?? 1, 1e-6)
        let low = all.min() ?? 0
        let pad = (high - low) * 0.1 + 1e-6
        var series = [LinePlot.Series(name: "loss", points: train, color: LinePlot.palette[0])]
        if !validation.isEmpty {
            series.append(LinePlot.Series(name: "validation loss", points: validation, color: LinePlot.palette[1]))
        }
        var plot = LinePlot(title: title, xLabel: "epoch", yLabel: "categorical cross-entropy",
                            xRange: 1...Double(max(2, losses.count)), yRange: max(0, low - pad)...(high + pad),
                            series: series)
        plot.xWholeNumbers = true
        return plot
    }

    /// The first SVG-to-PNG converter on `PATH` (`rsvg-convert`, then ImageMagick's
    /// `convert`), or nil.
    public static func pngConverter(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        for tool in ["rsvg-convert", "convert"] {
            if let path = ExecutableSearch.find(tool, environment: environment) { return URL(fileURLWithPath: path) }
        }
        return nil
    }

    /// Writes `NAME.svg` into `directory`, and `NAME.png` when `converter` is given and
    /// succeeds. Returns the paths written (PNG nil when skipped or failed).
    public static func write(_ plot: LinePlot, name: String, in directory: URL, converter: URL?)
        throws(FigureError) -> (svg: String, png: String?)
    {
        let svgURL = directory.appendingPathComponent(name + ".svg")
        do {
            try AtomicFile.write(Data(plot.svg().utf8), to: svgURL)
        } catch {
            throw .cannotWrite(path: svgURL.path)
        }
        guard let converter else { return (svgURL.path, nil) }
        let pngURL = directory.appendingPathComponent(name + ".png")
        // Converted under a temporary name and renamed: never a half-written PNG.
        let temporary = directory.appendingPathComponent(".\(name).png.trigc-\(getpid()).tmp.png")
        let arguments = converter.lastPathComponent == "rsvg-convert"
            ? ["-o", temporary.path, svgURL.path] : [svgURL.path, temporary.path]
        // Supervised: the converter dies with trigc (see ToolProcess).
        let status = try? SupervisedProcess.run(converter.path, arguments, in: directory.path, log: nil)
        guard status == 0, FileManager.default.fileExists(atPath: temporary.path), rename(temporary.path, pngURL.path) == 0 else {
            unlink(temporary.path)
            return (svgURL.path, nil)
        }
        return (svgURL.path, pngURL.path)
    }
}

/// Writing figures failed.
public enum FigureError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotWrite(path: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path): "\(path): cannot write the figure."
        }
    }
}

/// What a run's or an evaluation's `metrics.json` holds.
public struct FigureReport: Codable, Sendable {
    public struct Curve: Codable, Sendable {
        public var fpr: [Double]
        public var tpr: [Double]
    }

    public struct Epoch: Codable, Sendable {
        public var epoch: Int
        public var loss: Double
        public var accuracy: Double
        public var validationLoss: Double?
        public var validationAccuracy: Double?
        public var samplesPerSecond: Double

        public init(epoch: Int, loss: Double, accuracy: Double, validationLoss: Double?,
                    validationAccuracy: Double?, samplesPerSecond: Double) {
            self.epoch = epoch
            self.loss = loss
            self.accuracy = accuracy
            self.validationLoss = validationLoss
            self.validationAccuracy = validationAccuracy
            self.samplesPerSecond = samplesPerSecond
        }
    }

    /// What was evaluated ("hlf", a model path, "fixed ap_fixed<16,6>" ...).
    public var model: String
    public var data: String
    public var events: Int
    /// AUC by class name; a class with no positives or no negatives among the events has
    /// none (its AUC is undefined).
    public var auc: [String: Double]
    public var accuracy: Double
    /// `confusion[true][predicted]`, classes in label order.
    public var confusion: [[Int]]
    public var classes: [String]
    /// Per-epoch figures (empty for an evaluation).
    public var epochs: [Epoch]
    /// ROC points by class name (at most 200 per class).
    public var roc: [String: Curve]
    /// Plot files by kind ("roc_svg", "roc_png", "loss_svg", "loss_png").
    public var plots: [String: String]
    /// How PNGs were made, or why none were.
    public var png: String
    /// Extra figures (decision agreement, fixed-point format ...).
    public var extra: [String: String]

    public init(model: String, data: String, metrics: ClassificationMetrics, classes: [String],
                epochs: [Epoch] = [], plots: [String: String] = [:], png: String = "", extra: [String: String] = [:]) {
        self.model = model
        self.data = data
        events = metrics.events
        self.classes = classes
        auc = Dictionary(uniqueKeysWithValues: zip(classes, metrics.roc).filter { $0.1.isDefined }.map { ($0.0, $0.1.auc) })
        accuracy = metrics.accuracy
        confusion = metrics.confusion
        self.epochs = epochs
        roc = Dictionary(uniqueKeysWithValues: zip(classes, metrics.roc).map { name, curve in
            let points = curve.thinned(to: 200)
            return (name, Curve(fpr: points.map(\.fpr), tpr: points.map(\.tpr)))
        })
        self.plots = plots
        self.png = png
        self.extra = extra
    }

    /// Pretty, key-sorted JSON.
    public func json() throws(FigureError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(self) } catch { throw .cannotWrite(path: "metrics.json") }
    }
}
