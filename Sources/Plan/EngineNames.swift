/// The names of a range's objects on the engine: `<range>-<network>`, `<range>-<hostname>`, the
/// routes markers `<range>-<hostname>.routes` and the lock `<range>.lock`.
/// The one place this is decided; ownership is still decided by labels only, never by a name.
public enum EngineNames {
    /// The engine's name of a network or VM `name` of `range`.
    public static func object(_ range: String, _ name: String) -> String { range + "-" + name }

    /// The name within the range of an engine object named by `object` (nil for another range's).
    public static func local(_ engineName: String, range: String) -> String? {
        let prefix = object(range, "")
        return engineName.hasPrefix(prefix) ? String(engineName.dropFirst(prefix.count)) : nil
    }

    /// The never-started container that records the routes set on the VM named `vmEngineName`.
    public static func routesMarker(_ vmEngineName: String) -> String { vmEngineName + ".routes" }

    /// The range's lock, a never-started container.
    public static func lock(_ range: String) -> String { range + ".lock" }
}
