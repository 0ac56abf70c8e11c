@testable import rangectl
import Testing

/// `--lock-timeout`: the seconds apply and destroy wait for another run of the range
/// (`RangeLockingTests` has the wait and its diagnostic).
struct LockOptionsTests {
    @Test func theTimeoutIsReadInSecondsAndZeroByDefault() throws {
        #expect(try LockOptions.parse(["--lock-timeout", "2.5"]).lockTimeout == 2.5)
        #expect(try LockOptions.parse([]).lockTimeout == 0)
    }

    @Test func aNegativeTimeoutIsAUsageError() {
        #expect(throws: (any Error).self) { _ = try LockOptions.parse(["--lock-timeout", "-1"]) }
    }
}
