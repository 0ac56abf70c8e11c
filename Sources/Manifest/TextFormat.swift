/// A constraint on a string field's text: the regular expression published in the schema and a
/// hand-written matcher that the decoder runs (tests check that the two agree).
public enum TextFormat: String, Sendable, CaseIterable {
    /// Range and network names: `^[a-z0-9][a-z0-9-]{0,30}$`.
    case resourceName
    /// VM hostnames: an RFC 1123 label of 1..63 characters.
    case hostname
    /// Image references: `[registry[:port]/]path[:tag][@sha256:digest]`, lowercase path.
    case imageReference
    /// Linux capabilities, with or without the `CAP_` prefix.
    case capability
    /// Environment variable names: no `=`, no whitespace or control characters.
    case envName
    /// sysctl keys: dotted lowercase words.
    case sysctlName
    /// Label keys: printable, no whitespace, at most 128 characters.
    case labelKey

    public var pattern: String {
        switch self {
        case .resourceName: return "^[a-z0-9][a-z0-9-]{0,30}$"
        case .hostname: return "^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
        case .imageReference:
            return "^([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$"
        case .capability: return "^(CAP_)?[A-Z][A-Z0-9_]*$"
        case .envName: return "^[^=\\s]+$"
        case .sysctlName: return "^[a-z0-9_]+([./][a-z0-9_-]+)+$"
        case .labelKey: return "^[A-Za-z0-9._/-]{1,128}$"
        }
    }

    /// What a person reads when the text does not match.
    public var explanation: String {
        switch self {
        case .resourceName: return "lowercase letters, digits and '-', starting with a letter or digit, at most 31 characters"
        case .hostname: return "letters, digits and '-', 1 to 63 characters, not starting or ending with '-'"
        case .imageReference: return "an image reference such as 'busybox:latest' or 'registry:5000/team/app:1.2'"
        case .capability: return "a capability name such as NET_ADMIN"
        case .envName: return "a variable name without '=' or whitespace"
        case .sysctlName: return "a sysctl key such as net.ipv4.ip_forward"
        case .labelKey: return "letters, digits and . _ / -, at most 128 characters"
        }
    }

    public func matches(_ text: String) -> Bool {
        let u = text.utf8
        switch self {
        case .resourceName:
            guard (1...31).contains(u.count), Self.isLowerAlnum(u.first!) else { return false }
            return u.allSatisfy { Self.isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        case .hostname:
            guard (1...63).contains(u.count), Self.isAlnum(u.first!), Self.isAlnum(u[u.index(before: u.endIndex)]) else { return false }
            return u.allSatisfy { Self.isAlnum($0) || $0 == UInt8(ascii: "-") }
        case .imageReference:
            return Self.isImageReference(text)
        case .capability:
            guard let first = u.first, Self.isUpper(first) else { return false }
            return u.allSatisfy { Self.isUpper($0) || Self.isDigit($0) || $0 == UInt8(ascii: "_") }
        case .envName:
            guard !u.isEmpty else { return false }
            // `\s` in the published pattern; here: ASCII whitespace, control characters, '=' and anything non-ASCII-space-like.
            return text.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0 != "=" && $0.value >= 0x20 && $0.value != 0x7F }
        case .sysctlName:
            let parts = text.split(omittingEmptySubsequences: false) { $0 == "." || $0 == "/" }
            guard parts.count >= 2, let head = parts.first, !head.isEmpty,
                  head.utf8.allSatisfy({ Self.isLowerAlnum($0) || $0 == UInt8(ascii: "_") }) else { return false }
            return parts.dropFirst().allSatisfy { p in
                !p.isEmpty && p.utf8.allSatisfy { Self.isLowerAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
            }
        case .labelKey:
            guard (1...128).contains(u.count) else { return false }
            return u.allSatisfy { Self.isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "-") }
        }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    static func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
    static func isLowerAlnum(_ c: UInt8) -> Bool { isLower(c) || isDigit(c) }
    static func isAlnum(_ c: UInt8) -> Bool { isLower(c) || isUpper(c) || isDigit(c) }

    /// One path component: `[a-z0-9]+([._-]+[a-z0-9]+)*`.
    private static func isPathComponent(_ u: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let f = u.first, let l = u.last, isLowerAlnum(f), isLowerAlnum(l) else { return false }
        return u.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// Checked in place, without copying or splitting: every VM of a manifest has an image.
    private static func isImageReference(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { all in
            var u = all[...]
            // Digest.
            if let at = u.firstIndex(of: UInt8(ascii: "@")) {
                let digest = u[(at + 1)...]
                let prefix = "sha256:".utf8
                guard digest.count == prefix.count + 64, digest.starts(with: prefix),
                      digest.dropFirst(prefix.count).allSatisfy({ isDigit($0) || ($0 >= 0x61 && $0 <= 0x66) }) else { return false }
                u = u[..<at]
            }
            // Tag: after the last ':' that follows the last '/'.
            let lastSlash = u.lastIndex(of: UInt8(ascii: "/"))
            if let colon = u.lastIndex(of: UInt8(ascii: ":")), lastSlash.map({ colon > $0 }) ?? true {
                let tag = u[(colon + 1)...]
                guard let f = tag.first, (1...128).contains(tag.count), isAlnum(f) || f == UInt8(ascii: "_"),
                      tag.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
                else { return false }
                u = u[..<colon]
            }
            // Components separated by '/': at most 32.
            var slashes = 0
            for c in u where c == UInt8(ascii: "/") { slashes += 1 }
            guard slashes < 32 else { return false }
            var rest = u
            // A registry host comes first when it looks like one (has '.', ':' or is localhost) or has uppercase.
            if slashes > 0, let firstSlash = u.firstIndex(of: UInt8(ascii: "/")) {
                let host = u[..<firstSlash]
                if host.contains(UInt8(ascii: ".")) || host.contains(UInt8(ascii: ":")) || host.elementsEqual("localhost".utf8) || host.contains(where: isUpper) {
                    var h = host
                    if let colon = h.firstIndex(of: UInt8(ascii: ":")) {
                        let port = h[(colon + 1)...]
                        guard !port.isEmpty, port.count <= 5, port.allSatisfy(isDigit) else { return false }
                        h = h[..<colon]
                    }
                    guard !h.isEmpty, h.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else { return false }
                    rest = u[(firstSlash + 1)...]
                }
            }
            var componentStart = rest.startIndex
            for i in rest.indices where rest[i] == UInt8(ascii: "/") {
                guard isPathComponent(rest[componentStart..<i]) else { return false }
                componentStart = i + 1
            }
            return isPathComponent(rest[componentStart...])
        }
    }
}
