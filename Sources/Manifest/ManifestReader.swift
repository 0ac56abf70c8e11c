import RangeDiagnostics

/// Parses manifest bytes (YAML or JSON) into a `RawManifest` plus every diagnostic found.
/// Pure: the caller reads the file and names it.
public enum ManifestReader {
    public static func read(_ bytes: [UInt8], file: String, limits: ComposerLimits = ComposerLimits()) -> (RawManifest?, [Diagnostic]) {
        let composed = YAMLComposer(file: file, limits: limits).compose(bytes, decodingVMs: true)
        if composed.stopped {
            return (nil, composed.diagnostics)
        }
        var decoder = ManifestDecoder(file: file)
        let raw = decoder.decode(composed)
        return (raw, composed.diagnostics + decoder.diagnostics)
    }
}
