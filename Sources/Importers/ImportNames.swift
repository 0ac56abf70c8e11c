import Manifest

/// Blueprint names made into manifest names: kept when they already follow the manifest's rule
/// (TextFormat), else rewritten the same way every time. Nil when nothing is left to name it by.
enum ImportNames {
    /// A range or network name: lowercase; every run of other characters one '-'; at most 31.
    static func resourceName(_ text: String) -> String? {
        if TextFormat.resourceName.matches(text) { return text }
        return rewrite(text.lowercased(), keep: { isDigit($0) || ($0 >= 0x61 && $0 <= 0x7A) }, limit: 31)
    }

    /// A hostname (an RFC 1123 label, case kept): every run of other characters one '-'; at most 63.
    static func hostname(_ text: String) -> String? {
        if TextFormat.hostname.matches(text) { return text }
        return rewrite(text, keep: { isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }, limit: 63)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private static func rewrite(_ text: String, keep: (UInt8) -> Bool, limit: Int) -> String? {
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            if scalar.isASCII, keep(UInt8(scalar.value)) {
                out.append(UInt8(scalar.value))
            } else if out.last != UInt8(ascii: "-") {
                out.append(UInt8(ascii: "-"))
            }
        }
        func trim() {
            while out.first == UInt8(ascii: "-") { out.removeFirst() }
            while out.last == UInt8(ascii: "-") { out.removeLast() }
        }
        trim()
        if out.count > limit { out.removeLast(out.count - limit) }
        trim()
        return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
    }
}
