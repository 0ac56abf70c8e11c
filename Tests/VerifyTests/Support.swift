import Foundation
import Plan
import Planner
import PlannerSupport
import TestSupport
@testable import Verify

/// A probe as one comparable line: `jumpbox 172.30.1.2 -> db01 172.30.2.5 tcp/22 pass`, with
/// the listener's address and port after `=>` when they differ from the dialled ones (NAT).
func line(_ p: Probe) -> String {
    var out = "\(p.source.name) \(p.source.address) -> \(p.destination.name) \(p.dialled) \(p.portText) \(p.expected.rawValue)"
    if p.dialled != p.destination.address || p.listenPort != p.port {
        out += " => \(p.destination.address):\(p.listenPort.map(String.init) ?? "-")"
    }
    return out
}
