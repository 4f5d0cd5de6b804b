import GraphIR
/// The three event classes of the study, with their label values in data files.
public enum EventClass: Int, CaseIterable, Sendable, Codable {
    case qcd = 0
    case ttbar = 1
    case wjets = 2

    /// The name used in reports, plots and file attributes.
    public var name: String {
        switch self {
        case .qcd: "QCD"
        case .ttbar: "ttbar"
        case .wjets: "W+jets"
        }
    }
}

/// The 19 features of each particle, in the study's order (SparkDLTrigger's
/// `Energy, Px, Py, Pz, Pt, Eta, Phi, vtxX, vtxY, vtxZ, ChPFIso, GammaPFIso, NeuPFIso,
/// isChHad, isNeuHad, isGamma, isEle, isMu, Charge`).
public enum ParticleFeature: Int, CaseIterable, Sendable {
    case energy, px, py, pz, pt, eta, phi
    case vertexX, vertexY, vertexZ
    case chargedIsolation, photonIsolation, neutralIsolation
    case isChargedHadron, isNeutralHadron, isPhoton, isElectron, isMuon
    case charge

    /// The study's name of the feature.
    public var name: String {
        Self.names[rawValue]
    }

    static let names = [
        "Energy", "Px", "Py", "Pz", "Pt", "Eta", "Phi", "vtxX", "vtxY", "vtxZ",
        "ChPFIso", "GammaPFIso", "NeuPFIso", "isChHad", "isNeuHad", "isGamma", "isEle", "isMu", "Charge",
    ]
}

/// The 14 high-level features of each event, in the study's order.
public enum HighLevelFeature: Int, CaseIterable, Sendable {
    case ht, met, metPhi, mt, jetCount, bJetCount
    case leptonPt, leptonEta, leptonPhi
    case leptonChargedIsolation, leptonPhotonIsolation, leptonNeutralIsolation
    case leptonCharge, leptonIsElectron

    /// The study's name of the feature.
    public var name: String {
        Self.names[rawValue]
    }

    static let names = [
        "HT", "MET", "phiMET", "MT", "nJets", "nBjets", "LepPt", "LepEta", "LepPhi",
        "LepIsoCh", "LepIsoGamma", "LepIsoNeu", "LepCharge", "LepIsEle",
    ]
}

/// Names of the datasets and attributes of an event file (see Docs/Data.md).
public enum EventSchema {
    /// `N × 14` float32.
    public static let hlf = "hlf"
    /// `N × T × 19` float32, zero-padded after each event's `length` rows.
    public static let particles = "particles"
    /// `N` integers, 0 QCD, 1 tt̄, 2 W+jets.
    public static let label = "label"
    /// `N` integers, the real (unpadded) particle count of each event, `0 ... T`.
    public static let length = "length"
    /// File attributes: comma-separated feature and class names, generator and seed.
    public static let hlfNamesAttribute = "hlf_features"
    public static let particleNamesAttribute = "particle_features"
    public static let classNamesAttribute = "classes"
    public static let generatorAttribute = "generator"
    public static let seedAttribute = "seed"

    public static var hlfFeatureCount: Int { HighLevelFeature.allCases.count }
    public static var particleFeatureCount: Int { ParticleFeature.allCases.count }
    public static var classCount: Int { EventClass.allCases.count }
}

/// The inputs of the study's models (``Model/hlfDNN(features:classes:device:seed:)`` and
/// the others), each fed from one dataset of an event file: the one definition of those
/// names, used by training, export and `trigc evaluate`.
public enum StudyInput: CaseIterable, Sendable {
    /// `[14]`: the event's high-level features (dataset ``EventSchema/hlf``).
    case hlf
    /// `[T, 19]`: the event's particles, zero-padded (dataset ``EventSchema/particles``).
    case particles

    /// The study input a model input of this name is, or nil.
    public init?(name: String) {
        guard let input = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = input
    }

    /// The input's name in a model and its exported graph (defined once, in ``StudyModels``).
    public var name: String {
        switch self {
        case .hlf: StudyModels.hlfInput
        case .particles: StudyModels.sequenceInput
        }
    }
}
