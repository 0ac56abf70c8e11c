/// Env variables whose name looks secret: their values never appear in plan output or logs.
public enum Sensitive {
    /// The words that mark a name as secret, compared case-insensitively.
    public static let markers = ["PASSWORD", "TOKEN", "SECRET", "KEY"]
    public static let placeholder = "(sensitive)"

    public static func isSensitive(_ name: String) -> Bool {
        let upper = name.uppercased()
        return markers.contains { upper.contains($0) }
    }
}
