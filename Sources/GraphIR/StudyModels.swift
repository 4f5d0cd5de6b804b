/// The shapes of the study's three trigger classifiers, written once: GraphIR's example
/// graphs (``Graph/hlfDNN(seed:)``, ``Graph/particleGRU(timeSteps:features:units:resetAfter:seed:)``,
/// ``Graph/inclusive(timeSteps:features:units:hlfFeatures:resetAfter:seed:)``) and Training's
/// models of the same names build from these; each draws its own weights.
public enum StudyModels {
    /// The input of the high-level features, `[hlfFeatures]`.
    public static let hlfInput = "hlf_input"
    /// The input of the particle sequences, `[timeSteps, particleFeatures]`.
    public static let sequenceInput = "gru_input"
    public static let hlfFeatures = 14
    public static let particleFeatures = 19
    /// The study's sequence length (particles per event).
    public static let timeSteps = 801
    public static let gruUnits = 50
    public static let classes = 3
    /// The high-level-feature network's hidden dense widths (relu), before the softmax layer.
    public static let hlfHiddenUnits = [50, 20, 10]
    /// The inclusive network's dense width (relu) after the concatenation.
    public static let inclusiveHiddenUnits = 25
    /// Every dropout layer's rate.
    public static let dropoutRate: Float = 0.2
    /// The masking value of padded sequence rows.
    public static let maskValue: Float = 0
}
