import RangeDiagnostics

extension Diagnostic {
    /// An engine failure during observation, as a diagnostic.
    public static func engine(_ error: Error, endpoint: String) -> Diagnostic {
        if let e = error as? EngineError, case .unreachable = e {
            return .error(.engineUnreachable, e.description, at: nil)
        }
        return .error(.engineUnreachable, "the engine at \(endpoint) failed: \(error)", at: nil)
    }
}
