import ArgumentParser
import Foundation
import Engine
import Plan
import Planner
import RangeDiagnostics
import Workflows

/// `rangectl status FILE`: each VM's state and each NIC as it really is inside the VM.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the live range: each VM, its state, each NIC's real name, network, address, MAC, default route."
    )

    @Argument(help: "The manifest (YAML or JSON); - reads standard input.", completion: .manifest)
    var file: String

    @Flag(help: "Print one JSON document on standard output instead of text.")
    var json = false

    @Option(name: .customLong("read-with"),
            help: "helper: one helper container (helper_image, no network) that shares the host's processes enters every running VM's network namespace with nsenter (SYS_ADMIN, SYS_PTRACE; a few engine calls for the whole range); exec: one exec in each VM's own image (no added privilege, slower).")
    var readWith: StatusReads = .helper

    @OptionGroup var concurrency: ParallelismOption

    @OptionGroup var engine: EngineOptions

    @OptionGroup var diagnostics: DiagnosticsOptions

    @OptionGroup var instances: InstanceOptions

    func run() throws {
        let format = diagnostics.format
        let (parsed, first, lock) = try CommandSteps.compiledManifest(file, hosts: engine.hosts, instances: instances, format: format)
        let e = try engine.connect().orExit(format)
        // No start times: they tell plan whether routes were lost; status reads the routes themselves.
        let inventory = try CommandSteps.observe(e, routes: false, format: format)
        // The addresses and instance blocks the live range holds, as a plan against it keeps them.
        let live = instances.select(LivePlanning.compile(parsed, inventory: inventory, hosts: engine.hosts, lock: lock))
        let compiled = (live.valid ? live.desired : nil) ?? instances.select(first).desired!
        let (desired, views) = RangeStatus.collect(compiled, inventory: inventory, engine: e, parallelism: concurrency.parallelism,
                                                  namespaceHelper: readWith == .helper)
        if json {
            Terminal.printJSON(RangeStatus.json(views, desired: desired, engine: e, apiVersion: inventory.apiVersion))
        } else {
            Terminal.write(RangeStatus.text(views, range: desired.name, endpoint: e.endpoint, apiVersion: inventory.apiVersion))
        }
    }
}

/// How `status` reads inside the running VMs (`--read-with`).
enum StatusReads: String, ExpressibleByArgument, CaseIterable {
    case helper, exec
}

/// How `status` shows the live range: text for a person, JSON for a program.
extension RangeStatus {
    /// The status as text; each line is shown through `TextEscaping.visible`, as what the engine
    /// reports (names, states, interface names, routes read inside the VM) may hold anything.
    static func text(_ views: [VMStatus], range: String, endpoint: String, apiVersion: String) -> String {
        var out = ""
        func line(_ text: String) { out += TextEscaping.visible(text) + "\n" }
        line("range \(range) on \(endpoint) (API \(apiVersion))")
        out += "\n"
        // An instance's VMs as `<instance>/<hostname>`.
        let names = views.map { EngineNames.key($0.hostname, instance: $0.instance) }
        let width = names.map(\.count).max() ?? 0
        for (v, name) in zip(views, names) {
            line("  \(name.padding(width))  \(v.state)" + (v.state == "absent" ? "" : "  \(v.dockerName)") + (v.host.map { "  on \($0)" } ?? ""))
            let netWidth = v.nics.map(\.network.count).max() ?? 0
            for n in v.nics {
                line("    \(n.name.padding(5)) \(n.network.padding(netWidth))  \(n.ip.padding(15))  \(n.mac.isEmpty ? "-".padding(17) : n.mac)"
                     + (n.defaultRoute ? "  default route" : "") + (n.predicted ? "  (predicted)" : ""))
            }
            for r in v.routes { line("    route \(r)") }
        }
        return out
    }

    static func json(_ views: [VMStatus], desired: DesiredRange, engine: any ContainerEngine, apiVersion: String) -> JSONValue {
        .object([
            ("format_version", .string("1")),
            ("range", .string(desired.name)),
            ("engine", .object([("host", .string(engine.endpoint)), ("api_version", .string(apiVersion.description))])),
            ("vms", .array(views.map { v in
                .object([
                    ("hostname", .string(v.hostname)),
                ] + (v.instance.map { [("instance", JSONValue.string($0))] } ?? []) + [
                    ("docker_name", .string(v.dockerName)),
                    ("state", .string(v.state)),
                ] + (v.host.map { [("host", JSONValue.string($0))] } ?? []) + [
                    ("routes", .array(v.routes.map { .string($0) })),
                    ("interfaces", .array(v.nics.map { n in
                        .object([
                            ("name", .string(n.name)), ("network", .string(n.network)), ("ip", .string(n.ip)),
                            ("mac", .string(n.mac)), ("default_route", .bool(n.defaultRoute)), ("predicted", .bool(n.predicted)),
                        ])
                    })),
                ])
            })),
        ])
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
