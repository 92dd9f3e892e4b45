import InterlockSyntax

/// What the line's shell remembers from one command to the next — variables, positional
/// parameters, the working directory, functions and aliases — and where bash does not carry it on.
///
/// Tracking is only safe if it is never more certain than bash is. A subshell, a pipeline's
/// commands, a background job and a command substitution change nothing for what follows
/// (`cmd="rm -rf /srv"; (cmd=ls); $cmd` runs the deletion). A command after `&&` or `||`, a branch
/// of `if` or `case` and a loop's body may not run, or run again: after them, whatever they may
/// have changed is no longer known (`cmd="rm -rf /srv"; false && cmd=ls; $cmd` runs the deletion),
/// and a function or alias they may have defined is called as `unknown`.
extension ShellAnalysis {
    struct Scope: Equatable {
        static func == (a: Scope, b: Scope) -> Bool {
            a.functionsRevision == b.functionsRevision && a.variables == b.variables && a.positional == b.positional
                && a.workingDirectory == b.workingDirectory && a.homeRelativeDirectory == b.homeRelativeDirectory
                && a.directoryUncertain == b.directoryUncertain && a.aliases == b.aliases && a.uncertainCommands == b.uncertainCommands
                && a.fieldSeparatorsUnknown == b.fieldSeparatorsUnknown && a.variablesUntrusted == b.variablesUntrusted
                && a.attributes == b.attributes
        }

        var variables: [String: String]
        var positional: [String]?
        var workingDirectory: String?
        var homeRelativeDirectory: String?
        var directoryUncertain: Bool
        var functions: [String: CompoundCommand]
        var functionsRevision: Int
        var aliases: [String: String]
        var uncertainCommands: Set<String>
        var fieldSeparatorsUnknown: Bool
        var variablesUntrusted: Bool
        /// Local frames, read-only and transformed variables; nil while there are none, as on
        /// most lines, so that copying a scope (several times per `&&` list) retains less.
        var attributes: VariableAttributes?
    }

    struct VariableAttributes: Equatable {
        /// Per function call, what each variable it made local held before (restored on return).
        var localFrames: [[String: String?]]
        var readonlyVariables: Set<String>
        var transformedVariables: Set<String>
    }

    var scope: Scope {
        get {
            Scope(variables: variables, positional: positional, workingDirectory: workingDirectory, homeRelativeDirectory: homeRelativeDirectory,
                  directoryUncertain: directoryUncertain, functions: functions, functionsRevision: functionsRevision, aliases: aliases, uncertainCommands: uncertainCommands, fieldSeparatorsUnknown: fieldSeparatorsUnknown,
                  variablesUntrusted: variablesUntrusted,
                  attributes: localFrames.isEmpty && readonlyVariables.isEmpty && transformedVariables.isEmpty ? nil
                    : VariableAttributes(localFrames: localFrames, readonlyVariables: readonlyVariables, transformedVariables: transformedVariables))
        }
        set {
            variables = newValue.variables
            positional = newValue.positional
            workingDirectory = newValue.workingDirectory
            homeRelativeDirectory = newValue.homeRelativeDirectory
            directoryUncertain = newValue.directoryUncertain
            functions = newValue.functions
            functionsRevision = newValue.functionsRevision
            aliases = newValue.aliases
            uncertainCommands = newValue.uncertainCommands
            fieldSeparatorsUnknown = newValue.fieldSeparatorsUnknown
            variablesUntrusted = newValue.variablesUntrusted
            localFrames = newValue.attributes?.localFrames ?? []
            readonlyVariables = newValue.attributes?.readonlyVariables ?? []
            transformedVariables = newValue.attributes?.transformedVariables ?? []
        }
    }

    /// What is known after one of two ways the line may have gone: what both agree on. A function
    /// or alias one of them defined, or defined otherwise, becomes uncertain.
    mutating func merged(_ a: Scope, _ b: Scope) -> Scope {
        if a == b { return a }
        var result = a
        // Each part is rebuilt only where the two differ: most merges differ in one variable.
        if a.variables != b.variables {
            result.variables = a.variables.filter { b.variables[$0.key] == $0.value }
            result.fieldSeparatorsUnknown = a.variables["IFS"] != b.variables["IFS"]
        } else {
            result.fieldSeparatorsUnknown = false
        }
        if a.positional != b.positional { result.positional = nil }
        if a.workingDirectory != b.workingDirectory || a.homeRelativeDirectory != b.homeRelativeDirectory {
            result.workingDirectory = nil
            result.homeRelativeDirectory = nil
            result.directoryUncertain = true
        } else {
            result.directoryUncertain = a.directoryUncertain || b.directoryUncertain
        }
        if a.uncertainCommands != b.uncertainCommands { result.uncertainCommands = a.uncertainCommands.union(b.uncertainCommands) }
        if a.functionsRevision != b.functionsRevision {
            result.functions = a.functions.filter { b.functions[$0.key] == $0.value }
            for name in Set(a.functions.keys).union(b.functions.keys) where result.functions[name] == nil { result.uncertainCommands.insert(name) }
            // A set of definitions neither way had: a number of its own.
            revisionsIssued += 1
            result.functionsRevision = revisionsIssued
        }
        if a.aliases != b.aliases {
            result.aliases = a.aliases.filter { b.aliases[$0.key] == $0.value }
            for name in Set(a.aliases.keys).union(b.aliases.keys) where result.aliases[name] == nil { result.uncertainCommands.insert(name) }
        }
        result.fieldSeparatorsUnknown = result.fieldSeparatorsUnknown || a.fieldSeparatorsUnknown || b.fieldSeparatorsUnknown
        result.variablesUntrusted = a.variablesUntrusted || b.variablesUntrusted
        if a.attributes != b.attributes {
            let none = VariableAttributes(localFrames: [], readonlyVariables: [], transformedVariables: [])
            let first = a.attributes ?? none, second = b.attributes ?? none
            var attributes = first
            // A variable made read-only on one way only keeps its value there and takes later
            // assignments on the other: not known, and never learnt again.
            if first.readonlyVariables != second.readonlyVariables {
                for variable in first.readonlyVariables.symmetricDifference(second.readonlyVariables) { result.variables[variable] = nil }
                attributes.readonlyVariables = first.readonlyVariables.union(second.readonlyVariables)
            }
            attributes.transformedVariables = first.transformedVariables.union(second.transformedVariables)
            // A variable made local on one way only is, after the function returns, either what
            // it held before or what that other way assigned: not known.
            if first.localFrames != second.localFrames, first.localFrames.count == second.localFrames.count {
                attributes.localFrames = zip(first.localFrames, second.localFrames).map { mine, theirs in
                    var frame = mine
                    for (variable, saved) in theirs where mine[variable] != saved { frame[variable] = .some(nil) }
                    for variable in mine.keys where theirs[variable] == nil { frame[variable] = .some(nil) }
                    return frame
                }
            }
            result.attributes = attributes
        }
        return result
    }

    /// Walks a loop's bodies, which may run any number of times. A body that changes what the
    /// shell remembers is walked a second time from what is then known, so that a command before
    /// the change sees it too (`cmd=ls; for i in 1 2; do $cmd; cmd="rm -rf /srv"; done`). Second
    /// walks are bounded per line (nested loops would double at each level); past the bound the
    /// loop is `unknown`.
    mutating func walkLoop(_ compound: CompoundCommand) {
        if let variable = compound.variable { forgetVariable(variable) }
        let before = scope
        for body in compound.bodies { walk(body) }
        let settled = merged(before, scope)
        scope = settled
        guard settled != before else { return }
        guard loopRewalksLeft > 0 else {
            unknown("shell:loop_state", "a loop changes variables, functions or the directory that its own commands may use on a later pass; not followed further")
            return
        }
        loopRewalksLeft -= 1
        for body in compound.bodies { walk(body) }
        scope = merged(settled, scope)
    }

    /// `if` and `case`: each branch from where the first condition leaves the line (for `case`,
    /// from before), the result what every way through agrees on.
    mutating func walkBranches(_ compound: CompoundCommand) {
        var bodies = compound.bodies[...]
        if compound.kind == .ifClause, let condition = bodies.popFirst() { walk(condition) }
        let start = scope
        var result = start
        for body in bodies {
            scope = start
            walk(body)
            result = merged(result, scope)
        }
        scope = result
    }

    /// A function call that is not followed (recursion, too deep, a definition not known) may have
    /// changed anything the shell remembers: from here on none of it is known.
    mutating func forgetEverything() {
        variables = [:]
        cdpathAssigned = true
        // What function calls will restore on return is not known either.
        localFrames = localFrames.map { $0.mapValues { _ in String?.none } }
        fieldSeparatorsUnknown = true
        if workingDirectory != nil || homeRelativeDirectory != nil { directoryUncertain = true }
        workingDirectory = nil
        homeRelativeDirectory = nil
        uncertainCommands.formUnion(functions.keys)
        uncertainCommands.formUnion(aliases.keys)
        functions = [:]
        noteFunctionsChanged()
        aliases = [:]
    }

    /// `functions` changed: a revision number no other set of definitions has had.
    mutating func noteFunctionsChanged() {
        revisionsIssued += 1
        functionsRevision = revisionsIssued
    }

    /// An assignment as bash applies it: `name=value` sets the variable, `name+=value` adds to
    /// it, and one to an element or an array (`name[1]=value`, `name=(…)`), or of a value not known
    /// before the line runs, leaves it not known (`$name` is element 0, which is not followed).
    /// Assigning to bash's command tables changes which program a command name runs:
    /// `BASH_CMDS[ls]=/bin/rm; ls -rf /srv` runs `rm`.
    mutating func assign(_ name: String, value: String?, appends: Bool = false, element: Bool = false) {
        if name == "CDPATH" { cdpathAssigned = true }
        if name == "BASH_CMDS" || name == "BASH_ALIASES" {
            unknown("shell:command_table", "assigning `\(name)` changes which program a command name runs", opaque: true)
        }
        // `readonly cmd; cmd=ls` fails: `cmd` keeps what it held, and bash abandons the rest of
        // the line it was reading. The walk goes on as if it had run, so what it learns after
        // is not to be trusted, and the line is `unknown` at best.
        guard readonlyVariables.isEmpty || !readonlyVariables.contains(name) else {
            unknown("shell:readonly_assignment", "assigning the read-only `\(name)` fails, and bash then abandons the rest of the line it was reading")
            forgetEverything()
            variablesUntrusted = true
            return
        }
        // An array is not followed: nor is what later assignments to it do.
        if element { transformedVariables.insert(name) }
        guard let value, !element, transformedVariables.isEmpty || !transformedVariables.contains(name) else {
            forgetVariable(name)
            return
        }
        if appends {
            guard let old = variables[name] else {
                forgetVariable(name)
                return
            }
            variables[name] = old + value
        } else {
            variables[name] = value
        }
        if name == "IFS" { fieldSeparatorsUnknown = false }
    }

    /// Forgets every known variable an arithmetic expression names: any of them may be assigned
    /// there (`v = 1`, `v++`, `v += 2`).
    mutating func forgetArithmeticTargets(_ text: String) {
        guard !variables.isEmpty else { return }
        for name in Self.variableNames(inExpression: text) where variables[name] != nil { forgetVariable(name) }
    }

    /// The names an arithmetic expression reads or assigns: runs of letters, digits and `_` that
    /// do not start with a digit.
    static func variableNames(inExpression text: String) -> [String] {
        var names: [String] = []
        var name = ""
        for character in text + " " {
            if character == "_" || character.isASCII && (character.isLetter || !name.isEmpty && character.isNumber) {
                name.append(character)
            } else {
                if !name.isEmpty { names.append(name) }
                name = ""
            }
        }
        return names
    }

    /// A variable whose value the line can no longer tell (`read x`, a loop's variable, `unset x`).
    mutating func forgetVariable(_ name: String) {
        if name == "CDPATH" { cdpathAssigned = true }
        variables[name] = nil
        if name == "IFS" { fieldSeparatorsUnknown = true }
    }

    static let maximumLoopRewalks = 32

    /// Builtins that set variables or parameters by name, as the line names them: `read x`,
    /// `mapfile -t lines`, `printf -v x`, `getopts`, `unset`, `set --`, `shift`.
    mutating func noteBuiltinEffects(_ arguments: [Argument]) {
        // Most commands are none of these: a look at the first letter turns them away.
        guard let name = arguments.first?.value, let first = name.utf8.first,
              first == UInt8(ascii: "r") || first == UInt8(ascii: "m") || first == UInt8(ascii: "p") || first == UInt8(ascii: "g")
                || first == UInt8(ascii: "u") || first == UInt8(ascii: "s") || first == UInt8(ascii: "l") || first == UInt8(ascii: "w") else { return }
        switch name {
        case "read", "mapfile", "readarray", "printf", "getopts", "unset", "set", "shift": break
        case "let":
            for argument in arguments.dropFirst() { forgetArithmeticTargets(argument.text) }
            return
        case "wait":
            // `wait -p NAME` stores the finished job's id (or nothing) in NAME.
            if let index = arguments.firstIndex(where: { $0.value == "-p" }), index + 1 < arguments.count {
                forgetVariable(arguments[index + 1].text)
            }
            return
        case "return":
            // The rest of the function does not run on this way; outside one (a sourced file),
            // where the walk goes on as if it did, nothing after can be trusted.
            if returnScopes.isEmpty { forgetEverything() } else { returnScopes[returnScopes.count - 1].append(scope) }
            return
        default: return
        }
        let rest = Array(arguments.dropFirst())
        func operands(valued: Set<String>) -> [Argument] {
            var found: [Argument] = []
            var index = 0
            while index < rest.count {
                let text = rest[index].value ?? ""
                if text == "--" {
                    found.append(contentsOf: rest[(index + 1)...])
                    break
                }
                if text.hasPrefix(ascii: "-"), text.count > 1 {
                    // `-a NAME` of read names an array it fills.
                    if text == "-a", index + 1 < rest.count { found.append(rest[index + 1]) }
                    if valued.contains(text) || text == "-a" { index += 1 }
                } else {
                    found.append(rest[index])
                }
                index += 1
            }
            return found
        }
        func forget(_ names: [Argument]) {
            for argument in names {
                guard let variable = argument.value else {
                    // A name computed at run time could be any variable.
                    variables = [:]
                    fieldSeparatorsUnknown = true
                    return
                }
                forgetVariable(String(variable.prefix { $0 != "[" }))
            }
        }
        switch name {
        case "read":
            let names = operands(valued: ["-d", "-i", "-n", "-N", "-p", "-t", "-u"])
            forget(names.isEmpty ? [.known("REPLY")] : names)
        case "mapfile", "readarray":
            let names = operands(valued: ["-d", "-n", "-O", "-s", "-u", "-C", "-c"])
            forget(names.isEmpty ? [.known("MAPFILE")] : Array(names.prefix(1)))
        case "printf":
            if let index = rest.firstIndex(where: { $0.value == "-v" }), index + 1 < rest.count { forget([rest[index + 1]]) }
            else if let glued = rest.first(where: { $0.value?.hasPrefix("-v") == true && $0.value!.count > 2 }) { forget([.known(String(glued.value!.dropFirst(2)))]) }
        case "getopts":
            forget(Array(rest.dropFirst().prefix(1)) + [.known("OPTARG"), .known("OPTIND")])
        case "unset":
            if rest.contains(where: { $0.value == "-f" }) {
                for argument in rest where argument.value?.hasPrefix(ascii: "-") != true {
                    if let function = argument.value { functions[function] = nil; noteFunctionsChanged() } else { uncertainCommands.insert(argument.display) }
                }
            } else {
                forget(rest.filter { $0.value?.hasPrefix(ascii: "-") != true })
            }
        case "set", "shift":
            notePositionalChange(arguments)
        default:
            break
        }
    }
}
