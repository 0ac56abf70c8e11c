/// One helper reading many VMs: `status` runs its read (`ip` addresses and routes) in the network
/// namespace of every running VM through a single helper container that shares the host's
/// processes and enters each VM's namespace with `nsenter` (a constant number of engine calls for
/// the whole range, where one exec per VM costs the engine a runtime exec each). The script and
/// its output's sections, in one place for every engine. Pure.
public enum NamespaceReading {
    /// The environment variable that carries the read (so that it needs no quoting in the script).
    public static let scriptVariable = "RANGECTL_READ"
    /// The line before each VM's output: `rangectl-ns <container id>`.
    static let sectionMarker = "rangectl-ns"
    /// The line the script prints when the helper image has no `nsenter`.
    static let missingMarker = "rangectl-ns-missing"
    /// The script's last line, once every VM was read: the helper's output is complete (the
    /// engine need not be asked whether it exited; Podman says so 0.3 to 1 s late).
    static let endMarker = "rangectl-ns-end"
    /// The exit status of the script when the helper image has no `nsenter`.
    public static let missingStatus = 3

    /// The helper's script: for each container (id, host pid), its marker line and the read's
    /// output from inside its network namespace.
    public static func script(_ containers: [(id: String, pid: Int)]) -> String {
        var lines = ["command -v nsenter >/dev/null 2>&1 || { echo \(missingMarker); exit \(missingStatus); }"]
        for c in containers {
            lines.append("echo '\(sectionMarker) \(c.id)'; nsenter -t \(c.pid) -n sh -c \"$\(scriptVariable)\" </dev/null 2>&1")
        }
        lines.append("echo \(endMarker)")
        return lines.joined(separator: "\n")
    }

    /// Whether the helper's `output` so far is all it will print: it read every VM, or found no `nsenter`.
    public static func finished(_ output: String) -> Bool {
        output.split(separator: "\n").contains { $0 == endMarker || $0 == missingMarker }
    }

    /// Each container's output by id, from the helper's output; nil when the image has no `nsenter`.
    public static func sections(_ output: String) -> [String: String]? {
        var out: [String: String] = [:]
        var current: String?
        var text = ""
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == missingMarker { return nil }
            if line == endMarker { break }
            if line.hasPrefix(sectionMarker + " ") {
                if let current { out[current] = text }
                current = String(line.dropFirst(sectionMarker.count + 1))
                text = ""
            } else if current != nil {
                text += line + "\n"
            }
        }
        if let current { out[current] = text }
        return out
    }
}
