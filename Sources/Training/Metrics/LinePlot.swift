import Foundation

/// A line chart written as hand-made SVG: a frame with ticks and grid, axis labels, a
/// title, a legend, and one polyline per series. Nothing but the chart's own data goes in.
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dashed: Bool
        /// A marker at each point instead of a line (a scatter plot).
        public var markers: Bool

        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false, markers: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.markers = markers
        }
    }

    /// Where the legend sits inside the frame.
    public enum LegendCorner: Sendable { case topRight, bottomRight }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var series: [Series]
    public var legend: LegendCorner
    /// A logarithmic y axis (decade ticks written as powers of ten); `yRange` must then be
    /// positive.
    public var yLogarithmic: Bool
    /// Ticks on the x axis at whole numbers only (epochs).
    public var xWholeNumbers = false

    public init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>,
                yRange: ClosedRange<Double>, series: [Series], legend: LegendCorner = .topRight,
                yLogarithmic: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.series = series
        self.legend = legend
        self.yLogarithmic = yLogarithmic
    }

    /// Colours for successive series (colour-blind safe).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

    /// Tick values covering `range` with a 1-2-5 step, about `target` of them.
    public static func ticks(_ range: ClosedRange<Double>, target: Int = 5) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let candidates = [1.0, 2, 5, 10].map { $0 * magnitude }
        let step = candidates.min { abs(span / $0 - Double(target)) < abs(span / $1 - Double(target)) } ?? magnitude
        var values: [Double] = []
        var v = ceil(range.lowerBound / step - 1e-9) * step
        while v <= range.upperBound + step * 1e-9 {
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return values
    }

    /// The powers of ten within `range` (at least its two ends' decades).
    public static func decades(_ range: ClosedRange<Double>) -> [Double] {
        // A tolerance for ends that are decades up to float rounding (Float(1e-3) as Double).
        let low = Int(floor(log10(max(range.lowerBound, 1e-300)) + 1e-6))
        let high = Int(ceil(log10(max(range.upperBound, 1e-300)) - 1e-6))
        return (low...max(low, high)).map { pow(10, Double($0)) }
    }

    /// A decade tick's text: `10` with the exponent raised (SVG markup).
    static func powerLabel(_ value: Double) -> String {
        let exponent = Int(log10(value).rounded())
        return "10<tspan dy=\"-6\" font-size=\"9\">\(exponent)</tspan>"
    }

    /// Text for a tick value, with no more decimals than the step needs.
    static func label(_ value: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step) - 1e-9)))
        return String(format: "%.\(decimals)f", value)
    }

    /// `&`, `<`, `>`, `"` escaped for XML text and attributes.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The chart as a standalone SVG document.
    public func svg(width: Int = 640, height: Int = 480) -> String {
        let (left, right, top, bottom) = (70.0, 20.0, 40.0, 55.0)
        let plotW = Double(width) - left - right
        let plotH = Double(height) - top - bottom
        let xSpan = max(xRange.upperBound - xRange.lowerBound, 1e-12)
        // On a logarithmic axis positions are linear in log10(y).
        func scaled(_ y: Double) -> Double { yLogarithmic ? log10(max(y, 1e-300)) : y }
        let (yLow, yHigh) = (scaled(yRange.lowerBound), scaled(yRange.upperBound))
        let ySpan = max(yHigh - yLow, 1e-12)
        func px(_ x: Double) -> Double { left + (min(max(x, xRange.lowerBound), xRange.upperBound) - xRange.lowerBound) / xSpan * plotW }
        func py(_ y: Double) -> Double { top + plotH - (min(max(scaled(y), yLow), yHigh) - yLow) / ySpan * plotH }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }

        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>\n"
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"24\" font-size=\"16\" text-anchor=\"middle\">\(Self.escaped(title))</text>\n"
        // Grid and ticks.
        let xTicks = xWholeNumbers ? Self.ticks(xRange).filter { $0 == $0.rounded() } : Self.ticks(xRange)
        let yTicks = yLogarithmic ? Self.decades(yRange) : Self.ticks(yRange)
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        s += "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n"
        for x in xTicks { s += "<line x1=\"\(f(px(x)))\" y1=\"\(f(top))\" x2=\"\(f(px(x)))\" y2=\"\(f(top + plotH))\"/>\n" }
        for y in yTicks { s += "<line x1=\"\(f(left))\" y1=\"\(f(py(y)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(y)))\"/>\n" }
        s += "</g>\n<g font-size=\"12\" fill=\"#333\">\n"
        for x in xTicks {
            s += "<line x1=\"\(f(px(x)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(x)))\" y2=\"\(f(top + plotH + 5))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(f(px(x)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Self.label(x, step: xStep))</text>\n"
        }
        for y in yTicks {
            s += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(y)))\" x2=\"\(f(left))\" y2=\"\(f(py(y)))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(yLogarithmic ? Self.powerLabel(y) : Self.label(y, step: yStep))</text>\n"
        }
        s += "</g>\n"
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(Double(height) - 12))\" font-size=\"14\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>\n"
        s += "<text x=\"18\" y=\"\(f(top + plotH / 2))\" font-size=\"14\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(top + plotH / 2)))\">\(Self.escaped(yLabel))</text>\n"
        // Series.
        for line in series where line.markers {
            for point in line.points {
                s += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"4\" fill=\"\(line.color)\" fill-opacity=\"0.8\"/>\n"
            }
        }
        for line in series where !line.points.isEmpty && !line.markers {
            let points = line.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            s += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash) points=\"\(points)\"/>\n"
        }
        // Legend.
        let named = series.filter { !$0.name.isEmpty }
        if !named.isEmpty {
            let boxW = 12.0 + 7.5 * Double(named.map(\.name.count).max() ?? 0) + 36
            let boxH = 10.0 + 20 * Double(named.count)
            let x0 = left + plotW - boxW - 10
            let y0 = legend == .topRight ? top + 10 : top + plotH - boxH - 10
            s += "<g font-size=\"12\">\n<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(boxW))\" height=\"\(f(boxH))\" fill=\"white\" stroke=\"#999\"/>\n"
            for (i, line) in named.enumerated() {
                let y = y0 + 17 + 20 * Double(i)
                let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<line x1=\"\(f(x0 + 8))\" y1=\"\(f(y - 4))\" x2=\"\(f(x0 + 32))\" y2=\"\(f(y - 4))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>\n"
                s += "<text x=\"\(f(x0 + 38))\" y=\"\(f(y))\">\(Self.escaped(line.name))</text>\n"
            }
            s += "</g>\n"
        }
        s += "</svg>\n"
        return s
    }
}
