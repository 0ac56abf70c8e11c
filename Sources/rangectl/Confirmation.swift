import Foundation
import Glibc

/// Terraform's confirmation: on a terminal ask for "yes"; without a terminal `--auto-approve` is required.
enum Confirmation {
    enum Outcome {
        case approved
        case declined
        /// Standard input is not a terminal and `--auto-approve` was not given.
        case needsAutoApprove
    }

    static func ask(_ question: String, autoApprove: Bool) -> Outcome {
        if autoApprove { return .approved }
        guard isatty(STDIN_FILENO) != 0 else { return .needsAutoApprove }
        Terminal.write("\n\(question)\n  Only 'yes' will be accepted: ")
        guard let line = readLine() else { return .declined }
        return line.trimmingCharacters(in: .whitespaces) == "yes" ? .approved : .declined
    }
}
