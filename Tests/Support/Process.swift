import Foundation

/// The package root, found from this file's path (Tests/Support/Process.swift).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `rangectl` built beside the test bundle (the test target depends on it, so it is built first).
public let rangectlBinary: URL = {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var dir = testBinary.deletingLastPathComponent()
    // The XCTest bundle on Linux is a file in the build folder; on other layouts walk up a little.
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

/// Runs a program with arguments, optional standard input and extra environment; never uses a shell.
public func run(_ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
         directory: URL = packageRoot) throws -> RunResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = nil
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    // Read both pipes concurrently with the writer, so large outputs cannot dead-lock.
    nonisolated(unsafe) var errData = Data()
    let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errReader.isFinished { usleep(1000) }
    return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
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
