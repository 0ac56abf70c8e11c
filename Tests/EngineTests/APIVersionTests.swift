import Engine
import Testing

/// Engine API versions compare as numbers: 1.9 is older than 1.41.
struct APIVersionTests {
    @Test func parsesMajorDotMinorOnly() {
        #expect(APIVersion("1.41") == APIVersion(1, 41))
        for bad in ["1", "1.4.1", "v1.41", "1.x", "", "."] { #expect(APIVersion(bad) == nil, "\(bad)") }
        #expect(APIVersion(1, 41).description == "1.41")
    }

    @Test func comparesNumerically() {
        #expect(APIVersion(1, 9) < APIVersion(1, 41))
        #expect(APIVersion(1, 54) < APIVersion(2, 0))
    }
}
