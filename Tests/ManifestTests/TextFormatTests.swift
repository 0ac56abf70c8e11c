import Foundation
@testable import Manifest
import Testing

/// The schema publishes each format's regular expression and the decoder runs a hand-written
/// matcher; they must agree, or editors and rangectl would disagree about a name.
struct TextFormatTests {
    static let samples: [String] = [
        "", "a", "A", "0", "-", "a-", "-a", "a-b", "lab-01", "Lab", "a_b", "a.b", "a b", "a/b", "a..b",
        String(repeating: "a", count: 31), String(repeating: "a", count: 32), String(repeating: "b", count: 63),
        String(repeating: "b", count: 64), "web01", "WEB-01", "x-", "0abc", "ab:cd", "ünïcode", "аpple", "../etc",
        "busybox", "busybox:latest", "Busybox", "nginx:1.27", "library/nginx", "registry:5000/team/app:1.2",
        "localhost/app", "ghcr.io/org/img@sha256:" + String(repeating: "a", count: 64), "img@sha256:abc", "a//b", "a:",
        "a:b:c", "my_app", "my__app", "my.app", "my-app", "app:tag_with.dots-1", "app:-bad",
        "NET_ADMIN", "CAP_NET_RAW", "net_admin", "SYS_ADMIN", "1CAP",
        "PORT", "MY_VAR", "a=b", "with space", "tab\tkey", "ok.dots", "π",
        "net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter", "kernel.msgmax", "net", "net..ipv4", "net.ipv4.conf.eth0/1.x",
        "io.rangectl.range", "owner", "app.kubernetes.io/name", String(repeating: "k", count: 129), "a\nb",
    ]

    @Test(arguments: TextFormat.allCases)
    func matcherAgreesWithPublishedPattern(_ format: TextFormat) throws {
        let regex = try NSRegularExpression(pattern: format.pattern)
        for sample in Self.samples {
            let range = NSRange(sample.startIndex..., in: sample)
            let regexSays = regex.firstMatch(in: sample, range: range) != nil
            #expect(format.matches(sample) == regexSays, "\(format) on \(sample.debugDescription): matcher \(format.matches(sample)), regex \(regexSays)")
        }
    }
}
