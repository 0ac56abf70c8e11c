/// The names of a range's objects on the engine: `<range>-<network>`, `<range>-<hostname>`, the
/// routes and policy markers `<range>-<hostname>.routes` / `.policy` and the lock `<range>.lock`; an instance's objects
/// are `<range>-<instance>-<network>` and so on (one lock for the whole range).
/// The one place this is decided; ownership is still decided by labels only, never by a name.
public enum EngineNames {
    /// The engine's name of a network or VM `name` of `range`.
    public static func object(_ range: String, _ name: String) -> String { range + "-" + name }

    /// What an instance's (or the range's own) object names start with, before `-<object>`.
    public static func prefix(_ range: String, instance: String?) -> String {
        guard let instance else { return range }
        return object(range, instance)
    }

    /// A network's or VM's name made unique across a range's instances (`<instance>/<name>`;
    /// names cannot hold a `/`): what plans and graphs key objects by.
    public static func key(_ name: String, instance: String?) -> String {
        guard let instance else { return name }
        return instance + "/" + name
    }

    /// The name within the range of an engine object named by `object` (nil for another range's).
    public static func local(_ engineName: String, range: String) -> String? {
        let prefix = object(range, "")
        return engineName.hasPrefix(prefix) ? String(engineName.dropFirst(prefix.count)) : nil
    }

    /// The never-started container that records the routes set on the VM named `vmEngineName`.
    public static func routesMarker(_ vmEngineName: String) -> String { vmEngineName + ".routes" }

    /// The never-started container that records the policy applied on the router VM named `vmEngineName`.
    public static func policyMarker(_ vmEngineName: String) -> String { vmEngineName + ".policy" }

    /// The range's lock, a never-started container.
    public static func lock(_ range: String) -> String { range + ".lock" }
}
