// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rangectl",
    products: [
        .executable(name: "rangectl", targets: ["rangectl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // Debian's libyaml (libyaml-dev), the parser behind both YAML and JSON manifests.
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Debian's libcurl (libcurl4-openssl-dev), and a shim for its variadic setopt.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "RangeDiagnostics"),
        .target(name: "Manifest", dependencies: ["RangeDiagnostics", "CYaml"]),
        .target(name: "Plan", dependencies: ["RangeDiagnostics"]),
        .target(name: "Planner", dependencies: ["RangeDiagnostics", "Manifest", "Plan", "Policy"]),
        .target(name: "Engine", dependencies: ["Plan", "RangeDiagnostics"]),
        .target(name: "DockerEngine", dependencies: ["Engine", "Plan", "CCurl"]),
        .target(name: "InMemoryEngine", dependencies: ["Engine", "Plan"]),
        .target(name: "ClusterEngine", dependencies: ["Engine", "Plan"]),
        .target(name: "Applier", dependencies: ["Engine", "Plan"]),
        // A range as a picture: a graph model of the desired (and observed) range, DOT and Mermaid text. No I/O.
        .target(name: "RangeGraph", dependencies: ["Plan", "RangeDiagnostics"]),
        // A range's policy as iptables-restore text per router VM: pure, no I/O (the planner attaches it to the routers).
        .target(name: "Policy", dependencies: ["Plan"]),
        // `verify`'s engine-free half: the probes a policy implies, their busybox command lines, one
        // probe run over `ProbeHelpers` (the engine side implements it), and the report.
        .target(name: "Verify", dependencies: ["Plan", "RangeDiagnostics"]),
        // Other tools' formats into manifests (CYROID blueprints): pure, no I/O.
        .target(name: "Importers", dependencies: ["Manifest", "Plan", "RangeDiagnostics"]),
        // A range as a Compose file (docker-compose.yml text and what it cannot hold). No I/O.
        .target(name: "ComposeExport", dependencies: ["Manifest", "Plan", "RangeDiagnostics"]),
        // plan, apply, destroy and status as the commands and the tests run them (no terminal).
        .target(name: "Workflows", dependencies: ["Applier", "Engine", "Planner", "Manifest", "Plan", "RangeDiagnostics", "RangeGraph", "Importers", "ComposeExport", "Verify"]),
        .executableTarget(
            name: "rangectl",
            dependencies: [
                "RangeDiagnostics", "Manifest", "Planner", "Plan", "Engine", "DockerEngine", "ClusterEngine", "Applier", "Workflows", "RangeGraph", "Importers", "ComposeExport", "Verify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The benchmark's baseline: libyaml's event loop alone, in C, over the same file.
        .executableTarget(
            name: "yaml-scan",
            linkerSettings: [.linkedLibrary("yaml")]
        ),
        .testTarget(name: "RangeDiagnosticsTests", dependencies: ["RangeDiagnostics"], exclude: ["Golden"]),
        .testTarget(name: "ManifestTests", dependencies: ["Manifest", "RangeDiagnostics"]),
        .testTarget(
            name: "PlannerTests",
            dependencies: ["Planner", "Manifest", "Plan", "RangeDiagnostics", "TestSupport"],
            exclude: ["FuzzCorpus"]
        ),
        .testTarget(name: "PlanTests", dependencies: ["Plan", "RangeDiagnostics", "TestSupport"]),
        .testTarget(name: "RangeGraphTests", dependencies: ["RangeGraph", "Planner", "Plan", "RangeDiagnostics", "TestSupport"]),
        .testTarget(
            name: "ComposeExportTests",
            dependencies: ["rangectl", "ComposeExport", "Workflows", "Planner", "Manifest", "Plan", "RangeDiagnostics", "TestSupport"]
        ),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Planner", "Plan", "RangeDiagnostics", "PlannerSupport", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "VerifyTests", dependencies: ["Verify", "Planner", "Manifest", "Plan", "RangeDiagnostics", "PlannerSupport", "TestSupport"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "InMemoryEngine", "Plan"]),
        // The engine over a swarm's nodes on its own, over in-memory nodes: which node each call goes to, the merged inventory.
        .testTarget(name: "ClusterEngineTests", dependencies: ["ClusterEngine", "Engine", "InMemoryEngine", "Plan"]),
        .testTarget(name: "WorkflowsTests", dependencies: ["Workflows", "Applier", "Engine", "InMemoryEngine", "Verify", "RangeGraph", "Planner", "Plan", "TestSupport"]),
        .testTarget(name: "DockerEngineTests", dependencies: ["DockerEngine", "Engine", "Plan"], exclude: ["Golden"]),
        .testTarget(
            name: "ApplierTests",
            dependencies: ["Applier", "Workflows", "InMemoryEngine", "ClusterEngine", "Engine", "Planner", "Plan", "RangeDiagnostics"]
        ),
        .testTarget(
            name: "ImportersTests",
            dependencies: ["Importers", "Workflows", "Planner", "Manifest", "Plan", "RangeDiagnostics", "TestSupport"],
            exclude: ["Fixtures", "Golden"]
        ),
        // Running the built binary and other programs from tests.
        .target(name: "TestSupport", path: "Tests/Support"),
        // Manifests compiled as the CLI compiles them, for the tests of modules that take a compiled range.
        .target(name: "PlannerSupport", dependencies: ["Planner", "Plan", "TestSupport"], path: "Tests/PlannerSupport"),
        .testTarget(
            name: "CLITests",
            dependencies: ["rangectl", "Applier", "Workflows", "Engine", "InMemoryEngine", "Plan", "Planner", "RangeGraph", "TestSupport"],
            exclude: ["Golden"]
        ),
        // Against a real Docker engine (scripts/engine-up.sh brings one up).
        .testTarget(name: "EndToEndTests", dependencies: ["rangectl", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
