import ComposeExport
import Foundation
import Manifest
import Planner
import RangeDiagnostics
import TestSupport
import Workflows

/// Compiles manifest text the way `export compose` does (offline, no lock), named `t.yaml`, and exports it.
func export(_ text: String, target: ComposeTarget = .v1) -> (text: String?, diagnostics: [Diagnostic]) {
    let parsed = RangeCompiler.parse(Array(text.utf8), file: "t.yaml")
    return ComposeExporting.export(parsed, compilation: RangeCompiler.plan(parsed), target: target)
}

/// A YAML value as a reader gave it back: strings, numbers and booleans kept apart.
indirect enum Read: Equatable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case list([Read])
    case map([String: Read])

    subscript(_ key: String) -> Read? {
        if case let .map(m) = self { return m[key] }
        return nil
    }

    var string: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    var keys: Set<String> {
        if case let .map(m) = self { return Set(m.keys) }
        return []
    }

    var description: String {
        switch self {
        case let .string(s): return s.debugDescription
        case let .number(n): return "\(n)"
        case let .bool(b): return "\(b)"
        case .null: return "null"
        case let .list(l): return "\(l)"
        case let .map(m): return "\(m.sorted { $0.key < $1.key })"
        }
    }

    /// From the tagged JSON `readWithPyYAML`'s script writes: `["s", text]`, `["n", number]`,
    /// `["b", bool]`, `["z"]`, `["l", [items]]`, `["m", {key: value}]` (JSON alone would not keep
    /// a boolean apart from a number through Foundation).
    init(tagged json: Any) {
        guard let pair = json as? [Any], let tag = pair.first as? String else { self = .string("<untagged>"); return }
        switch tag {
        case "s": self = .string(pair[1] as? String ?? "<not a string>")
        case "n": self = .number((pair[1] as? NSNumber)?.doubleValue ?? .nan)
        case "b": self = .bool((pair[1] as? NSNumber)?.intValue == 1)
        case "l": self = .list((pair[1] as? [Any] ?? []).map(Read.init(tagged:)))
        case "m": self = .map((pair[1] as? [String: Any] ?? [:]).mapValues(Read.init(tagged:)))
        default: self = .null
        }
    }

    /// From the project's own YAML reader (YAML 1.2 core schema, libyaml). Nil for a key that is not a string.
    init?(node: Node) {
        switch node.kind {
        case let .scalar(s):
            switch s.value {
            case .string: self = .string(s.text)
            case let .bool(b): self = .bool(b)
            case let .int(i): self = .number(Double(i))
            case .float: self = .number(Double(s.text) ?? .nan)
            case .null: self = .null
            }
        case let .sequence(items):
            var out: [Read] = []
            for item in items {
                guard let r = Read(node: item) else { return nil }
                out.append(r)
            }
            self = .list(out)
        case let .mapping(entries):
            var out: [String: Read] = [:]
            for e in entries {
                guard let k = e.key.scalar, k.value == .string, let v = Read(node: e.value), out[k.text] == nil else { return nil }
                out[k.text] = v
            }
            self = .map(out)
        }
    }
}

/// `text` read by the project's YAML reader (libyaml); nil when it reports anything.
func readWithLibyaml(_ text: String) -> Read? {
    let composed = YAMLComposer(file: "compose.yml").compose(Array(text.utf8))
    guard composed.diagnostics.isEmpty, let root = composed.root else { return nil }
    return Read(node: root)
}

/// Whether Python 3 with PyYAML is here (scripts/setup.sh installs it; CI always has it).
let pyyamlAvailable: Bool = (try? run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import yaml"]).status) == 0

/// `text` read by PyYAML (YAML 1.1, what Compose 1.29 reads with), as `yaml.safe_load` gives it.
func readWithPyYAML(_ text: String) throws -> Read {
    let script = """
        import sys, json, yaml
        def t(v):
            if isinstance(v, bool): return ["b", v]
            if isinstance(v, (int, float)): return ["n", v]
            if isinstance(v, str): return ["s", v]
            if v is None: return ["z"]
            if isinstance(v, list): return ["l", [t(x) for x in v]]
            if isinstance(v, dict):
                for k in v:
                    if not isinstance(k, str): raise SystemExit("a key that is not a string: %r" % (k,))
                return ["m", {k: t(x) for k, x in v.items()}]
            raise SystemExit("an unexpected value: %r" % (v,))
        json.dump(t(yaml.safe_load(sys.stdin.buffer)), sys.stdout)
        """
    let r = try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script], stdin: Data(text.utf8))
    guard r.status == 0 else { throw ReadFailure(message: r.stderr) }
    return Read(tagged: try JSONSerialization.jsonObject(with: r.stdoutBytes))
}

struct ReadFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Debian's docker-compose (1.29), when it is installed (scripts/setup.sh installs it).
let dockerCompose: URL? = ["/usr/bin/docker-compose", "/usr/local/bin/docker-compose"]
    .map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }

/// True when the tests that need a tool must run: in CI a missing tool fails them instead of skipping them.
let toolsRequired = ProcessInfo.processInfo.environment["CI"] == "true"
