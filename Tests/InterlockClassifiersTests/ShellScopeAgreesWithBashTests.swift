import Foundation
import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing

/// What the classifier believes variables and the working directory hold after a script, checked
/// against bash running the same script: where it claims to know a value, bash must agree. It
/// may say "not known" (the target stays as written, `$v`), never a wrong value: a wrong value is
/// how `cmd="rm -rf /srv"; false && cmd=ls; $cmd` was once read as `ls`.
@Suite struct ShellScopeAgreesWithBashTests {
    /// `$v`, `$w` and `$PWD/rel` after bash ran `script` from `/`.
    static func bashView(_ script: String) throws -> [String] {
        var fields = try BashOracle.fields("v=/a0; w=/b0\n\(script)\nprintf '%s\\0' \"$v\" \"$w\" \"$PWD/rel\"")
        if fields.count == 3, fields[2].hasPrefix("//") { fields[2].removeFirst() }
        return fields
    }

    /// The same three as the classifier sees them: nil where it does not know.
    static func ourView(_ script: String) throws -> [String?] {
        let classifier = ShellClassifier(fileSystem: FixedFileSystem(files: [:], directories: ["/", "/tmp", "/usr"]))
        // Values are absolute paths or empty, so that as `rm`'s targets they read as they are.
        let facts = classifier.classify(commandLine: "v=/a0; w=/b0\n\(script)\nrm -- \"$v\" \"$w\" rel", workingDirectory: "/")
        // Past a failed assignment to a read-only variable the classifier claims nothing (and the
        // line is `unknown`): bash abandons the rest of the line there.
        if facts.operations.contains("shell:readonly_assignment") { return [nil, nil, nil] }
        let removed = try #require(facts.findings.last { $0.operation == "shell:rm" }, "\(facts.operations)")
        guard removed.targets.count == 3 else { return removed.targets }
        // A value not known is shown as written (`$v`); a directory not known leaves `rel` relative.
        return removed.targets.prefix(2).map { $0.contains("$") ? nil : $0 } + [removed.targets[2].hasPrefix("/") ? removed.targets[2] : nil]
    }

    static func agree(_ script: String) throws {
        let ours = try ourView(script)
        let theirs = try bashView(script)
        #expect(ours.count == 3 && theirs.count == 3, "\(script): \(ours) against \(theirs)")
        for (mine, real) in zip(ours, theirs) where mine != nil {
            #expect(mine == real, "\(script): the classifier holds \(ours.map { $0 ?? "?" }), bash \(theirs)")
        }
    }

    @Test func theOracleReallyRunsBash() throws {
        #expect(try Self.bashView("v='/x y'; cd /tmp") == ["/x y", "/b0", "/tmp/rel"])
        #expect(try Self.ourView("v='/x y'; cd /tmp") == ["/x y", "/b0", "/tmp/rel"])
    }

    @Test func handWrittenScriptsAgree() throws {
        for script in [
            "(v=/l)", "echo x | v=/l", "{ v=/l; } & wait", "v=/l && true & wait", "f() { local v=/l; }; f", "x=$(v=/l)",
            "if false; then v=/l; fi", "false && v=/l", "for i in 1 2; do w=$v; v=/l; done", "read -r v <<< '/z z'", "printf -v w %s /q",
            "cd /tmp && cd /usr", "cd /nonexistent-dir || cd /tmp", "cd /tmp; (cd /usr)", "set -- /p /q; v=$2; shift; w=$1",
            "case a in a) v=/1;; b) v=/2;; esac", "while false; do v=/9; done", "f() { v=$1; }; f /k",
            "cd /tmp; pushd /usr >/dev/null; popd >/dev/null", "v[1]=/x", "v[0]=/x", "v+=/t", "v=(/x /y)", "w+=(/q)", "export w+=/k",
            "declare -l v=/UP", "declare v[1]=/d", "v=; v+=/e", "v=; : ${v:=/f}", "unset w; : ${w=/g}", "echo ${v:-/h} >/dev/null",
            "readonly v; v=/r", "declare -r w=/q; w=/s", "f() { return; v=/r; }; f", "f() { v=/s; return; w=/t; }; f",
            "f() { local -r v=/x; }; f; v=/y", "if true; then readonly v; fi; v=/z",
            "local v=/l", "f() { if true; then v=/t; else local v=/u; fi; }; f", "f() { declare -g v=/g; }; f", "f() { local v=/x; declare -g v=/y; }; f",
        ] {
            try Self.agree(script)
        }
    }

    @Test func generatedScriptsAgree() async throws {
        let values = ["'/a'", "'/b c'", "''", "\"$w/x\"", "\"$1\"", "\"$v\""]
        let atoms = [
            "v=%V", "w=%V", "read -r v <<< %V", "printf -v w %s %V", "unset v", "cd /", "cd /tmp", "cd /usr", "cd /nonexistent-dir",
            "true", "false", "set -- %V /z", "shift", "v=\"$1\"", "w=\"$v\"", "v=$(echo %V)", "eval 'w=/e'", "declare -n r=v; r=/n",
            "IFS=/; w=$v; unset IFS", "pushd /usr >/dev/null", "popd >/dev/null",
            "v+=%V", "w+=%V", "v[1]=%V", "w[0]=%V", "v=(%V /y)", "w+=(%V)", "export v+=%V", "declare w=%V", "declare -u v=%V", "declare w[2]=%V",
            ": ${v:=%V}", ": ${w=%V}", "v=; : ${v:=%V}", "unset w; : \"${w=%V}\"",
            "local v=%V", "local w", "declare -g v=%V", "typeset -g w=%V", "readonly v", "declare -r w=%V", "return", "v=%V; return",
            "CDPATH=/; cd tmp >/dev/null", "CDPATH=/usr:/; cd tmp >/dev/null", "CDPATH=:/usr; cd tmp >/dev/null", "CDPATH=/ cd usr >/dev/null",
            "((v=1))", "let w=2", "w=$PWD", "v=$OLDPWD", "wait -n -p v", "for ((i=0;i<1;i++)); do v=%V; done", "v=$((1+2))", ": $((w=3))",
        ]
        let shapes = [
            "%A", "( %A )", "{ %A; }", "if true; then %A; else %B; fi", "if false; then %A; else %B; fi", "case a in a) %A;; b) %B;; esac",
            "for i in 1 2; do %A; done", "while false; do %A; done", "echo x | %A", "%A && %B", "%A || %B", "f() { local v; %A; }; f",
            "g() { %A; }; g", "x=$( %A )", "%A; %B",
        ]
        let atom = zip(Gen.element(of: atoms), Gen.element(of: values)).map { template, value in template!.replacing("%V", with: value!) }
        let inner = zip(Gen.element(of: shapes), atom, atom).map { shape, a, b in shape!.replacing("%A", with: a).replacing("%B", with: b) }
        let outer = zip(Gen.element(of: shapes), inner, inner).map { shape, a, b in shape!.replacing("%A", with: a).replacing("%B", with: b) }
        let script = outer.array(of: 1...3).map { $0.joined(separator: "; ") }
        await propertyCheck(count: 1000, input: script) { script in
            try Self.agree(script)
        }
    }
}
