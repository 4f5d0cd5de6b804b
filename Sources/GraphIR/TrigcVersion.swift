/// trigc's version: what `trigc --version` and `trigc-serve --version` print and what the
/// server reports in its metadata. One definition; raise it with each release.
public enum TrigcVersion {
    public static let string = "0.1.0"
}
