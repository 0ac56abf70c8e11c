/// The names of a range's objects on the engine: `<range>-<network>` and `<range>-<hostname>`.
/// The one place this is decided; ownership is still decided by labels only, never by a name.
public enum EngineNames {
    /// The engine's name of a network or VM `name` of `range`.
    public static func object(_ range: String, _ name: String) -> String { range + "-" + name }
}
