import RangeDiagnostics

/// Publishes `ManifestSchema` as a JSON Schema (draft 2020-12) for editors. Generated from the
/// same field table the decoder enforces, so the two cannot drift; the planner has the final word.
public enum JSONSchemaGenerator {
    public static func document() -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("urn:rangectl:manifest:1")),
            ("title", .string("rangectl range manifest")),
        ]
        fields += object(ManifestSchema.root)
        fields.append(("$defs", .object([
            ("network", .object(object(ManifestSchema.network))),
            ("vm", .object(object(ManifestSchema.vm))),
            ("interface", .object(object(ManifestSchema.interface))),
            ("route", .object(object(ManifestSchema.route))),
            ("instances", .object(object(ManifestSchema.instances))),
            ("policy", .object(object(ManifestSchema.policy))),
            ("policy_rule", .object(object(ManifestSchema.policyRule))),
            ("nat_rule", .object(object(ManifestSchema.natRule))),
        ])))
        return .object(fields)
    }

    /// Scalars a string field accepts: any non-null scalar, taken as its text.
    static let anyScalar: JSONValue = .array([.string("string"), .string("number"), .string("boolean")])

    static func object(_ schema: ObjectSchema) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = [
            ("description", .string(schema.summary)),
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
        ]
        let required = schema.fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { out.append(("required", .array(required))) }
        out.append(("properties", .object(schema.fields.map { f in
            var p: [(String, JSONValue)] = [("description", .string(f.summary))]
            p += type(f.type)
            if let d = f.defaultJSON { p.append(("default", d)) }
            if f.name == "version" { p.append(("const", .int(1))) }
            return (f.name, .object(p))
        })))
        for group in schema.exactlyOneOf {
            out.append(("oneOf", .array(group.map { .object([("required", .array([.string($0)]))]) })))
        }
        return out
    }

    static func type(_ t: FieldType) -> [(String, JSONValue)] {
        switch t {
        case let .string(format?):
            return [("type", .string("string")), ("pattern", .string(format.pattern))]
        case .string(nil):
            return [("type", anyScalar)]
        case let .integer(bounds):
            var p: [(String, JSONValue)] = [("type", .string("integer"))]
            if let b = bounds { p += [("minimum", .int(b.lowerBound)), ("maximum", .int(b.upperBound))] }
            return p
        case .boolean:
            return [("type", .string("boolean"))]
        case let .stringMap(key):
            var p: [(String, JSONValue)] = [("type", .string("object"))]
            if let key { p.append(("propertyNames", .object([("pattern", .string(key.pattern))]))) }
            p.append(("additionalProperties", .object([("type", anyScalar)])))
            return p
        case let .stringList(format):
            return [("type", .string("array")), ("items", .object(type(.string(format))))]
        case .command:
            return [("anyOf", .array([
                .object([("type", .string("string")), ("minLength", .int(1))]),
                .object([("type", .string("array")), ("minItems", .int(1)), ("items", .object([("type", anyScalar)]))]),
            ]))]
        case let .object(schema):
            return [("$ref", .string("#/$defs/\(schema.name)"))]
        case let .objectList(schema):
            return [("type", .string("array")), ("items", .object([("$ref", .string("#/$defs/\(schema.name)"))]))]
        case let .interfaceList(schema):
            return [("type", .string("array")), ("minItems", .int(1)), ("items", .object([("anyOf", .array([
                .object(type(.string(.resourceName))),
                .object([("$ref", .string("#/$defs/\(schema.name)"))]),
            ]))]))]
        }
    }
}
