/// What to do when creating an object of the range meets a conflict: its name is taken (409), or
/// on Docker 20.10 its subnet's pool is (403). The usual cause is an apply that was killed while
/// its create was in flight: the engine finishes a request whose client is gone, after the next
/// apply has observed (measured on 20.10, 26.1 and 28.5; ENGINE.md). Decided from a fresh
/// observation, by labels and spec only: what the range does not own is never touched. Pure.
public enum ConflictResolution: Hashable, Sendable {
    /// The range's own object, exactly as planned: take it as created.
    case adopt(id: String)
    /// The range's own container as planned, never started, but with NICs missing (its creator
    /// died between create and connect): remove it and create it again.
    case recreate(id: String)
    /// Nothing of that name is there (yet): observe again a little later.
    case absent
    /// Another object holds the name (not the range's, or not as planned): report the conflict.
    case report
}

public enum CreationConflict {
    /// A network named as `n` is adopted when it carries the range's labels and `n`'s spec hash.
    public static func network(_ n: DesiredNetwork, range: DesiredRange, in inventory: EngineInventory) -> ConflictResolution {
        guard let live = inventory.networks.first(where: { $0.name == n.dockerName }) else { return .absent }
        let expected = SpecEncoding.networkLabels(n, range: range)
        guard live.isOwned(by: range.name), matches(live.labels, expected, [RangeLabels.network, RangeLabels.specHash]) else { return .report }
        return .adopt(id: live.id)
    }

    /// A container named as `vm` is adopted when it carries the range's labels, `vm`'s spec hash
    /// and interfaces, and is attached with exactly the planned addresses.
    public static func vm(_ vm: DesiredVM, range: DesiredRange, in inventory: EngineInventory) -> ConflictResolution {
        guard let live = inventory.containers.first(where: { $0.name == vm.dockerName }) else { return .absent }
        let expected = SpecEncoding.vmLabels(vm, range: range)
        guard live.isOwned(by: range.name),
              matches(live.labels, expected, [RangeLabels.vm, RangeLabels.specHash, RangeLabels.interfaces]) else { return .report }
        let planned = Set(vm.interfaces.map { EngineAddress(network: range.engineNetwork(of: $0, on: vm), ip: $0.ip) })
        let attached = live.endpoints.compactMap { e in e.configuredIP.map { EngineAddress(network: e.network, ip: $0) } }
        if Set(attached) == planned && live.endpoints.count == planned.count { return .adopt(id: live.id) }
        return live.state == .created ? .recreate(id: live.id) : .report
    }

    private static func matches(_ labels: [String: String], _ expected: [KeyValue], _ keys: [String]) -> Bool {
        keys.allSatisfy { key in expected.first { $0.key == key }.map { labels[key] == $0.value } ?? false }
    }
}
