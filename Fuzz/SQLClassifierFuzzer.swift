// libFuzzer target: arbitrary bytes as SQL text in every dialect, through the lexer, the
// statement reader and the SQL classifier. Built and run by `scripts/fuzz.sh sql`.
import InterlockClassifiers
import InterlockCore
import InterlockSyntax

/// Pays one-time costs (lazy globals, type metadata) before any input is timed.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    for dialect in SQLDialect.allCases { _ = SQLClassifier.findings(for: "SELECT 1; DELETE FROM t WHERE a = 1; DROP TABLE x", dialect: dialect) }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSQLClassifier(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let start = FuzzBudget.now()
    for dialect in SQLDialect.allCases {
        let facts = SQLClassifier.findings(for: text, dialect: dialect)
        if (try? SQLStatement.parse(text, dialect: dialect)) == nil && facts.effect == .read {
            fatalError("unreadable SQL classified as read")
        }
    }
    _ = SQLClassifier.findings(for: text, dialect: nil)
    let elapsed = FuzzBudget.now() - start
    FuzzBudget.check(size: size, firstTiming: elapsed) {
        for dialect in SQLDialect.allCases {
            _ = SQLClassifier.findings(for: text, dialect: dialect)
            _ = try? SQLStatement.parse(text, dialect: dialect)
        }
        _ = SQLClassifier.findings(for: text, dialect: nil)
    }
    return 0
}
