import Plan

/// What an in-memory engine holds and records: its networks, its containers, the calls it received.
extension InMemoryEngine {
    public struct Network: Sendable {
        public var id: String
        public var name: String
        public var labels: [String: String]
        public var subnet: IPv4Subnet
        public var gateway: IPv4Address
        public var `internal`: Bool
    }

    public struct Container: Sendable {
        public var id: String
        public var name: String
        public var labels: [String: String]
        public var image: String
        public var running: Bool
        public var started: Bool
        /// Network name -> configured address, in connection order.
        public var endpoints: [(network: String, ip: String)]
        /// How many times it started; its StartedAt is derived from it.
        public var starts = 0
        /// Routes set inside it since its last start (a restart loses them, as on a real engine).
        public var routes: [String] = []
        /// The policy set inside it since its last start (a restart loses it too), as the text
        /// `readPolicy` gives back: its rules and jumps as iptables-save lines, its addresses.
        public var policy: [String] = []
    }

    /// A call the engine received, e.g. "createContainer lab-web01".
    public struct Call: Sendable, Equatable {
        public var name: String
        public var target: String
    }
}
