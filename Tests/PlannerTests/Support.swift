import Manifest
import Plan
import Planner
import RangeDiagnostics

/// Compiles manifest text the way the CLI does, named `t.yaml`.
func compile(_ text: String, pins: [Pin] = []) -> Compilation {
    RangeCompiler.compile(Array(text.utf8), file: "t.yaml", pins: pins)
}

/// The diagnostics as `code@line:column`, the form the tables below are written in.
func codes(_ text: String, pins: [Pin] = []) -> [String] {
    compile(text, pins: pins).diagnostics.map { d in
        "\(d.code.rawValue)@\(d.location?.line ?? 0):\(d.location?.column ?? 0)"
    }
}

/// The assigned addresses as `hostname/eth0=10.0.1.10`, in manifest order.
func addresses(_ text: String, pins: [Pin] = []) -> [String] {
    guard let d = compile(text, pins: pins).desired else { return ["invalid: \(codes(text, pins: pins))"] }
    return d.vms.flatMap { vm in vm.interfaces.map { "\(vm.hostname)/\($0.name)=\($0.ip)" } }
}

/// A manifest with the given networks and VMs blocks (already indented under their keys).
func manifest(networks: String, vms: String) -> String {
    "version: 1\nname: t\nnetworks:\n\(networks)\nvms:\n\(vms)\n"
}
