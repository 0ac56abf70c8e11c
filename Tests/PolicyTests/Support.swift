import Foundation
import Plan
import Planner
import PlannerSupport
import TestSupport

/// The example manifests that have a `policy:`, as paths relative to the package root.
func policyExamples() -> [String] {
    ((try? exampleManifests()) ?? []).filter { path in
        let text = (try? String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)) ?? ""
        return text.contains("\npolicy:")
    }
}

/// `iptables-restore` and `unshare`, when both are here and we may make a network namespace.
let netnsTools: (restore: URL, unshare: URL)? = {
    let fm = FileManager.default
    guard getuid() == 0,
          let restore = ["/usr/sbin/iptables-restore", "/sbin/iptables-restore"].first(where: fm.isExecutableFile(atPath:)),
          let unshare = ["/usr/bin/unshare", "/bin/unshare"].first(where: fm.isExecutableFile(atPath:)) else { return nil }
    return (URL(fileURLWithPath: restore), URL(fileURLWithPath: unshare))
}()
