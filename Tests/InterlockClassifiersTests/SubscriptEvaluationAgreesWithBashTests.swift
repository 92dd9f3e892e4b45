import Foundation
@testable import InterlockClassifiers
import InterlockCore
import Testing

/// Bash evaluates the subscript of an indexed array as arithmetic wherever it reads a variable
/// name or an expression, expanding it first: `printf -v 'a[$(cmd)]' x`, `read`, `test -v`,
/// `let`, `declare`, `${!x}`, `(( v ))` and `[[ $v -eq 1 ]]` when `v` holds such a name, and an
/// assignment's own subscript. Each line below is run by bash with a command that creates a
/// marker file; whenever bash runs it, Interlock must find it.
@Suite(.enabled(if: BashOracle.path != nil))
struct SubscriptEvaluationAgreesWithBashTests {
    static let templates = [
        "test -v 'a[$(CMD)]'", "[ -v 'a[`CMD`]' ]", "printf -v 'a[$(CMD)]' x", "read 'a[$(CMD)]' <<< x", "read -r x 'b[$(CMD)]' <<< 'x y'",
        "x='a[$(CMD)]'; echo ${!x}", "declare -n r='a[$(CMD)]'; echo $r", "x='a[$(CMD)]'; echo $(( x ))", "x='$(CMD)'; echo $(( x ))",
        "v='a[$(CMD)]'; [[ $v -eq 1 ]]", "v='a[$(CMD)]'; [ \"$v\" -eq 1 ]", "unset 'a[$(CMD)]'", "let 'a[$(CMD)]=1'", "let 'y = a[$(CMD)] + 1'",
        "wait -p 'a[$(CMD)]'", "mapfile -t 'a[$(CMD)]' < /dev/null", "declare -a a; a['$(CMD)']=1", "a[$(CMD)]=1", "a[`CMD`]=1 true",
        "declare -A h; h['$(CMD)']=1", "i='a[$(CMD)]'; a[i]=1", "i='a[$(CMD)]'; echo ${a[i]}", "v='a[$(CMD)]'; ((v++))",
        "v='a[$(CMD)]'; for ((j=0; j<v; j++)); do :; done", "v='a[$(CMD)]'; case 1 in $((v))) ;; esac", "getopts a 'a[$(CMD)]'",
        "export 'a[$(CMD)]'=1", "declare 'a[$(CMD)]'=1", "typeset -n t='a[$(CMD)]'; : \"$t\"", "printf '%s[$(CMD)]' x",
        // The integer attribute evaluates every value given; offsets and bare names in tests are expressions.
        "declare -i n='a[$(CMD)]'", "declare -i n; n='a[$(CMD)]'", "declare -i n; n+='a[$(CMD)]'", "f() { local -i n='a[$(CMD)]'; }; f",
        "x='a[$(CMD)]'; declare -i n=x", "v='a[$(CMD)]'; echo ${v:0:v}", "v='a[$(CMD)]'; [[ v -eq 1 ]]", "v='a[$(CMD)]'; shift v",
        "v='a[$(CMD)]'; test v -eq 1", "v='a[$(CMD)]'; printf '%d' v",
    ]

    @Test func whatBashRunsIsFound() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-subscripts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ran = 0
        for (number, template) in Self.templates.enumerated() {
            let marker = "\(directory)/m\(number)"
            let line = template.replacingOccurrences(of: "CMD", with: "touch \(marker)")
            _ = try BashOracle.fields("\(line) >/dev/null 2>&1; true")
            let bashRan = FileManager.default.fileExists(atPath: marker)
            let facts = ShellClassifier().classify(commandLine: line, workingDirectory: directory)
            let found = facts.findings.contains { $0.operation == "shell:touch" && $0.targets.contains(marker) }
            if bashRan {
                ran += 1
                #expect(found, "bash runs the command in `\(line)`; Interlock found \(facts.operations)")
            }
        }
        // The oracle itself: most of these lines do run the command in this bash.
        #expect(ran >= 15)
    }
}
