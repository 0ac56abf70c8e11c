import ArgumentParser
import Manifest

/// `rangectl schema`: print the manifest's JSON Schema (the checked-in schema/range.schema.json).
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the manifest format, for editors."
    )

    func run() throws {
        Terminal.write(JSONSchemaGenerator.document().serialized(pretty: true) + "\n")
    }
}
