import Foundation

/// A per-epoch progress line on standard error: a bar, events seen, the running loss and
/// samples per second. On a terminal it redraws in place with a carriage return (at most
/// ten times a second); otherwise it prints one plain line per epoch. Never ANSI codes.
public final class ProgressBar {
    /// Whether to redraw in place (a terminal) or print one line per epoch.
    public let interactive: Bool
    public let width: Int
    private let output: (String) -> Void
    private var lastDraw: Date = .distantPast
    private var lastLength = 0

    /// `output` receives text exactly as it would be written (with `\r` and `\n`).
    public init(interactive: Bool = ProgressBar.standardErrorIsTerminal, width: Int = 30,
                output: @escaping (String) -> Void = ProgressBar.writeStandardError) {
        self.interactive = interactive
        self.width = width
        self.output = output
    }

    /// Whether standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

    /// Writes text to standard error unbuffered.
    public static func writeStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The bar for `seen` of `total`, `width` cells of `=` then `.`.
    public static func bar(seen: Int, total: Int, width: Int) -> String {
        let filled = total > 0 ? min(width, seen * width / total) : width
        return "[" + String(repeating: "=", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    /// One progress line (no line ending).
    public func line(epoch: Int, epochs: Int, seen: Int, total: Int, loss: Double, samplesPerSecond: Double) -> String {
        "epoch \(epoch)/\(epochs) \(Self.bar(seen: seen, total: total, width: width)) \(seen)/\(total) "
            + "loss \(String(format: "%.4f", loss)) \(String(format: "%.0f", samplesPerSecond)) samples/s"
    }

    /// Redraws the line during an epoch (terminal only, throttled).
    public func update(epoch: Int, epochs: Int, seen: Int, total: Int, loss: Double, samplesPerSecond: Double) {
        guard interactive else { return }
        let now = Date()
        guard seen >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        draw(line(epoch: epoch, epochs: epochs, seen: seen, total: total, loss: loss, samplesPerSecond: samplesPerSecond))
    }

    /// Ends an epoch's line with its summary (validation figures when given) and a newline.
    public func finish(
        epoch: Int, epochs: Int, total: Int, loss: Double, accuracy: Double, validationLoss: Double?,
        validationAccuracy: Double?, samplesPerSecond: Double, seconds: Double
    ) {
        var text = line(epoch: epoch, epochs: epochs, seen: total, total: total, loss: loss, samplesPerSecond: samplesPerSecond)
        text += " acc \(String(format: "%.4f", accuracy))"
        if let validationLoss { text += " val_loss \(String(format: "%.4f", validationLoss))" }
        if let validationAccuracy { text += " val_acc \(String(format: "%.4f", validationAccuracy))" }
        text += " \(String(format: "%.1f", seconds)) s"
        if interactive {
            draw(text)
            output("\n")
        } else {
            output(text + "\n")
        }
        lastLength = 0
        lastDraw = .distantPast
    }

    /// `\r`, the text, and spaces over whatever longer line was there before.
    private func draw(_ text: String) {
        let padding = max(0, lastLength - text.count)
        output("\r" + text + String(repeating: " ", count: padding))
        lastLength = text.count
    }
}
