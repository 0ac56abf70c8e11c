import Foundation
import Glibc

/// The package root, found from this file's path (Tests/Support/Process.swift).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `rangectl` built beside the test bundle (the test target depends on it, so it is built first).
public let rangectlBinary: URL = {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var dir = testBinary.deletingLastPathComponent()
    // The test bundle on Linux is a file in the build folder; on other layouts walk up a little.
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("rangectl")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/rangectl")
}()

public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutBytes: Data
}

/// Runs a program to its end (no shell) and returns its exit status and output.
public func run(_ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                directory: URL = packageRoot) throws -> RunResult {
    let child = try Spawned(executable, arguments, stdin: stdin, environment: environment, directory: directory)
    let end = child.finish()
    return RunResult(status: end.signalled ? 128 + end.status : end.status, stdout: child.stdout, stderr: child.stderr,
                     stdoutBytes: child.stdoutData)
}

public func rangectl(_ arguments: String..., stdin: Data? = nil, environment: [String: String] = [:]) throws -> RunResult {
    try run(rangectlBinary, arguments, stdin: stdin, environment: environment)
}

/// A temporary directory removed at the end of the test.
public func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rangectl-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try body(dir)
}

/// The example manifests, sorted, as paths relative to the package root.
public func exampleManifests() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("manifests").path)
        .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
        .sorted()
        .map { "manifests/\($0)" }
}
