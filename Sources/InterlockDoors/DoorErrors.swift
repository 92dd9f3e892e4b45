/// An error a user can fix, reported as one line with exit code 3.
package struct InvalidInput: Error, CustomStringConvertible {
    package var description: String
    /// Diagnostics that already say where (`file:line:column: error: ...`), printed one per line as
    /// they are, so that editors and CI annotators can read them.
    package var diagnostics: [String]
    package init(_ description: String) {
        self.description = description
        self.diagnostics = []
    }
    package init(diagnostics: [String]) {
        self.description = diagnostics.first ?? "invalid input"
        self.diagnostics = diagnostics
    }
}

/// An error in Interlock's own operation (a file that cannot be read), reported with exit code 1.
package struct OperationalFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
