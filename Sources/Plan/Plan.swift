import RangeDiagnostics

/// The engine a plan was made against.
public struct EngineInfo: Hashable, Sendable {
    public var host: String
    public var apiVersion: String

    public init(host: String, apiVersion: String) {
        self.host = host
        self.apiVersion = apiVersion
    }
}

/// What a change does to one engine object.
public enum ChangeAction: String, Sendable, Hashable {
    case create
    case update
    case replace
    case delete

    /// The Terraform-style marker in the text plan.
    public var symbol: String {
        switch self {
        case .create: return "+"
        case .update: return "~"
        case .replace: return "-/+"
        case .delete: return "-"
        }
    }
}

public enum ResourceKind: String, Sendable, Hashable {
    case network
    case vm
    /// A route helper left over by an interrupted apply.
    case helper
}

/// One change to one object, with the reasons a reviewer reads (`detail`).
public struct Change: Hashable, Sendable {
    public var action: ChangeAction
    public var kind: ResourceKind
    public var name: String
    public var detail: [String]
    /// The instance whose object it is (nil without `instances:`).
    public var instance: String?

    public init(_ action: ChangeAction, _ kind: ResourceKind, _ name: String, detail: [String] = [], instance: String? = nil) {
        self.instance = instance
        self.action = action
        self.kind = kind
        self.name = name
        self.detail = detail
    }
}

/// A compiled plan: the desired range, the changes that reach it, and every diagnostic.
/// Immutable once built; an invalid plan has no desired range and no changes.
public struct Plan: Sendable {
    public static let formatVersion = "1"

    public var range: String
    public var diagnostics: [Diagnostic]
    public var desired: DesiredRange?
    public var changes: [Change]
    /// The engine planned against (nil for an offline plan).
    public var engine: EngineInfo?
    /// A fingerprint of the observed state the changes were computed from (nil offline).
    public var fingerprint: String?
    /// The engine operations that carry the changes out, with their dependencies (nil offline).
    public var operations: OperationGraph?

    public init(range: String, diagnostics: [Diagnostic], desired: DesiredRange?, changes: [Change],
                engine: EngineInfo? = nil, fingerprint: String? = nil, operations: OperationGraph? = nil) {
        self.operations = operations
        self.range = range
        self.diagnostics = diagnostics
        self.desired = desired
        self.changes = changes
        self.engine = engine
        self.fingerprint = fingerprint
    }

    public var valid: Bool { desired != nil && !diagnostics.hasErrors }

    /// Counts in Terraform's words: add, change (in place), replace (re-create), destroy.
    public var summary: (add: Int, change: Int, replace: Int, destroy: Int) {
        var s = (add: 0, change: 0, replace: 0, destroy: 0)
        for i in changes.indices {
            switch changes[i].action {
            case .create: s.add += 1
            case .update: s.change += 1
            case .replace: s.replace += 1
            case .delete: s.destroy += 1
            }
        }
        return s
    }

    /// The plan with no engine: every network and every VM is created, in manifest order.
    public static func offline(_ desired: DesiredRange, diagnostics: [Diagnostic]) -> Plan {
        var changes: [Change] = []
        changes.reserveCapacity(desired.networks.count + desired.vms.count)
        for n in desired.networks { changes.append(Change(.create, .network, n.name, instance: n.instance)) }
        for i in desired.vms.indices { changes.append(Change(.create, .vm, desired.vms[i].hostname, instance: desired.vms[i].instance)) }
        return Plan(range: desired.name, diagnostics: diagnostics, desired: desired, changes: changes)
    }
}
