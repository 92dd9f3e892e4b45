import InterlockCore
import InterlockSyntax
import Yams

/// Project task runners read as make is: `just RECIPE` classifies the command lines of the
/// justfile's recipe and its dependencies (`InterlockSyntax.Justfile`), `task NAME` those of
/// the Taskfile's task, its dependencies and the tasks it calls. Each line runs in the file's
/// directory. The runner stays `unknown` beside them (it is project code, and what is not read
/// here may run too); a file that cannot be found leaves only that.
extension ShellAnalysis {
    /// The directories a runner searches for its file: `start`, then each parent up to `/`.
    func directoriesUpward(from start: String) -> [String] {
        var directories: [String] = []
        var current = Paths.normalize(start)
        while directories.count < 64 {
            directories.append(current)
            guard current != "/", let slash = current.lastIndex(of: "/") else { break }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
        return directories
    }

    /// The first of `names` found in `directory` or above it; nil, with an `unknown` finding when
    /// it cannot be read or its place is not known.
    mutating func findRunnerFile(_ names: [String], from directory: String?, runner: String) -> (path: String, text: String)? {
        let op = "shell:\(runner)"
        guard let directory, directory.hasPrefix(ascii: "/") else {
            unknown(op, "`\(runner)` runs tasks of a file whose place is not known here", opaque: true)
            return nil
        }
        for place in directoriesUpward(from: directory) {
            for name in names {
                let path = place == "/" ? "/" + name : place + "/" + name
                if fileSystem.kind(of: path) == .missing { continue }
                guard let text = fileSystem.contents(of: path) else {
                    unknown(op, "`\(runner)` runs tasks of `\(path)`, which cannot be read here", opaque: true)
                    return nil
                }
                return (path, text)
            }
        }
        return nil
    }

    /// Classifies `commands` as lines run in `directory`, each in a shell of its own.
    mutating func classifyRunnerLines(_ commands: [String], in directory: String, origin: String) {
        let saved = (workingDirectory, homeRelativeDirectory)
        for command in commands {
            (workingDirectory, homeRelativeDirectory) = (directory, nil)
            analyzeSourceText(command, origin: origin)
        }
        (workingDirectory, homeRelativeDirectory) = saved
    }

    /// Runner files larger than this are not read (the reading is linear, but the agent writes them).
    static let runnerFileLimit = 256 * 1024

    mutating func withinRunnerFileLimit(_ path: String, _ text: String, runner: String) -> Bool {
        guard text.utf8.count > Self.runnerFileLimit else { return true }
        unknown("shell:\(runner)", "`\(path)` is larger than \(Self.runnerFileLimit / 1024) KiB and is not read here", opaque: true)
        return false
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    // MARK: just

    /// `just [OPTIONS] [NAME=VALUE…] [RECIPE [ARGUMENTS…]]…`.
    mutating func classifyJustRecipes(_ args: [Argument]) {
        let op = "shell:just"
        var overrides: [String: String] = [:]
        var operands: [Argument] = []
        var justfile: String?
        var directory: String?
        var index = 0
        let valued: Set<String> = ["--color", "--chooser", "--list-heading", "--list-prefix", "--dotenv-path", "--dotenv-filename", "--timestamp-format",
                                   "--command-color", "--explain", "--tempdir", "--ceiling", "--alias-style"]
        while index < args.count {
            defer { index += 1 }
            let argument = args[index]
            guard let text = argument.value else {
                unknown(op, "`just` is given an argument computed at run time", opaque: true)
                return
            }
            if !operands.isEmpty || !text.hasPrefix(ascii: "-") || text == "-" {
                operands.append(argument)
                continue
            }
            let name = String(text.prefix { $0 != "=" })
            let inlineValue = text.contains("=") ? String(text.drop { $0 != "=" }.dropFirst()) : nil
            func value() -> String? {
                if let inlineValue { return inlineValue }
                index += 1
                return index < args.count ? args[index].value : nil
            }
            switch name {
            case "-l", "--list", "--summary", "-s", "--show", "-n", "--dry-run", "--evaluate", "--variables", "--dump", "-h", "--help", "-V", "--version",
                 "--groups", "--changelog", "--completions", "--man", "--usage", "--check":
                add(op, .read, "`just \(name)` only prints")
                return
            case "--fmt", "--init":
                add(op, .write, targets: justfile.map { [.known($0)] } ?? [], "`just \(name)` writes the justfile")
                return
            case "-e", "--edit", "--choose":
                unknown(op, "`just \(name)` opens an editor or a chooser: whatever is picked there runs", opaque: true)
                return
            case "-c", "--command":
                guard let command = value() else { return unknown(op, "`just --command` computed at run time", opaque: true) }
                analyzeText(command, origin: "the command `just --command` runs with the justfile's variables")
                return
            case "--shell", "--shell-arg", "--shell-command":
                unknown(op, "`just \(name)` runs recipes with another program", opaque: true)
                if name != "--shell-command" { _ = value() }
            case "-f", "--justfile":
                justfile = value()
            case "-d", "--working-directory":
                directory = value()
            case "--set":
                guard let variable = value(), let setTo = value() else { return unknown(op, "`just --set` computed at run time", opaque: true) }
                overrides[variable] = setTo
            default:
                if valued.contains(name) { _ = value() }
            }
        }
        var found: (path: String, text: String)?
        if let justfile {
            let path = resolvePath(justfile)
            guard path.hasPrefix(ascii: "/"), let text = fileSystem.contents(of: path) else {
                unknown(op, "`just` runs recipes of `\(justfile)`, which cannot be read here", opaque: true)
                return
            }
            found = (path, text)
        } else {
            found = findRunnerFile(["justfile", "Justfile", ".justfile", "JUSTFILE"], from: workingDirectory, runner: "just")
        }
        guard let (path, text) = found, withinRunnerFileLimit(path, text, runner: "just") else { return }
        let file = Justfile(text)
        // `NAME=VALUE` before the first recipe overrides a variable.
        var rest = operands[...]
        while let first = rest.first?.value, let equals = first.firstIndex(of: "="), first[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            overrides[String(first[..<equals])] = String(first[first.index(after: equals)...])
            rest = rest.dropFirst()
        }
        // Recipes and their arguments: each recipe takes as many words as it has parameters.
        var calls: [(String, [String?])] = []
        while let name = rest.popFirst()?.value {
            let recipe = file.recipes[file.aliases[name] ?? name]
            var arguments: [String?] = []
            for parameter in recipe?.parameters ?? [] {
                if parameter.variadic {
                    arguments.append(contentsOf: rest.map(\.value))
                    rest = []
                } else if let next = rest.popFirst() {
                    arguments.append(next.value)
                }
            }
            calls.append((name, arguments))
        }
        if calls.isEmpty, let first = file.defaultRecipe { calls = [(first, [])] }
        let recipeDirectory = directory.map(resolvePath).map(Paths.normalize) ?? Self.directory(of: path)
        for (name, arguments) in calls {
            let (commands, complete) = file.commands(for: name, arguments: arguments, overrides: overrides)
            classifyRunnerLines(commands, in: recipeDirectory, origin: "the recipe `\(name)` in `\(path)`")
            if !complete {
                unknown(op, "the recipe `\(name)` in `\(path)` runs more than is read here (a recipe not found, a function, an import, a script or another shell)", opaque: true)
            }
        }
    }

    // MARK: task (go-task)

    /// `task [OPTIONS] [TASK…] [NAME=VALUE…] [-- ARGS]`: the Taskfile's tasks, read with Yams.
    mutating func classifyTaskfileTasks(_ args: [Argument]) {
        let op = "shell:task"
        var taskfile: String?
        var directory: String?
        var names: [String] = []
        var variables: [String: String] = [:]
        var cliArguments: [String]?
        var index = 0
        while index < args.count {
            defer { index += 1 }
            guard let text = args[index].value else {
                unknown(op, "`task` is given an argument computed at run time", opaque: true)
                return
            }
            if text == "--" {
                let rest = args[(index + 1)...]
                if rest.contains(where: { $0.value == nil }) { unknown(op, "`task -- …` passes arguments computed at run time", opaque: true) }
                cliArguments = rest.compactMap(\.value)
                break
            }
            if text.hasPrefix(ascii: "-") {
                let name = String(text.prefix { $0 != "=" })
                let inline = text.contains("=") ? String(text.drop { $0 != "=" }.dropFirst()) : nil
                func value() -> String? {
                    if let inline { return inline }
                    index += 1
                    return index < args.count ? args[index].value : nil
                }
                switch name {
                case "-l", "--list", "-a", "--list-all", "--summary", "-n", "--dry", "--status", "-h", "--help", "--version", "--json":
                    add(op, .read, "`task \(name)` only prints or checks")
                    return
                case "-i", "--init":
                    add(op, .write, "`task --init` writes a Taskfile")
                    return
                case "-t", "--taskfile": taskfile = value()
                case "-d", "--dir": directory = value()
                case "-C", "--concurrency", "-o", "--output", "--interval", "--output-group-begin", "--output-group-end", "--sort": _ = value()
                default: break
                }
                continue
            }
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            } else {
                names.append(text)
            }
        }
        var found: (path: String, text: String)?
        let start = directory.map(resolvePath) ?? workingDirectory
        if let taskfile {
            let path = resolvePath(directory.map { $0 + "/" + taskfile } ?? taskfile)
            guard path.hasPrefix(ascii: "/"), let text = fileSystem.contents(of: path) else {
                unknown(op, "`task` runs tasks of `\(taskfile)`, which cannot be read here", opaque: true)
                return
            }
            found = (path, text)
        } else {
            found = findRunnerFile(["Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml", "taskfile.dist.yml",
                                    "Taskfile.dist.yaml", "taskfile.dist.yaml"], from: start, runner: "task")
        }
        guard let (path, text) = found, withinRunnerFileLimit(path, text, runner: "task") else { return }
        guard let file = Taskfile(text, cliArguments: Taskfile.quoted(cliArguments ?? []), variables: variables) else {
            unknown(op, "`\(path)` cannot be read as a Taskfile", opaque: true)
            return
        }
        for name in names.isEmpty ? ["default"] : names {
            let (lines, complete) = file.commands(for: name)
            for (command, taskDirectory) in lines {
                let base = Self.directory(of: path)
                let place = taskDirectory.map { $0.hasPrefix(ascii: "/") ? $0 : base + "/" + $0 }.map(Paths.normalize) ?? base
                classifyRunnerLines([command], in: place, origin: "the task `\(name)` in `\(path)`")
            }
            if !complete {
                unknown(op, "the task `\(name)` in `\(path)` runs more than is read here (a task not found, an include, a template)", opaque: true)
            }
        }
    }
}

/// A Taskfile (go-task, version 3) as far as the commands it runs: each task's `deps`, `cmds`
/// (strings, `cmd:` and `task:` entries, `defer:`), `preconditions` and `status` checks (which
/// run too), the `sh:` of dynamic variables, and `{{.NAME}}` templates of known variables
/// (`CLI_ARGS` among them). Other templates become a command substitution, `$(task-value)`, so a
/// line that uses them reads as running code computed at run time; `includes` and tasks not
/// found make the reading incomplete.
struct Taskfile {
    var tasks: [String: Node] = [:]
    var variables: [String: String?] = [:]
    var hasIncludes = false
    /// Commands the file's variables run when any task runs (`sh:`).
    var variableCommands: [String] = []

    init?(_ text: String, cliArguments: String, variables overrides: [String: String]) {
        guard let node = try? Yams.compose(yaml: text), case .mapping(let root) = node else { return nil }
        variables["CLI_ARGS"] = cliArguments
        for (key, value) in root {
            switch key.string {
            case "vars"?:
                Self.readVariables(value, into: &variables, commands: &variableCommands)
            case "includes"?:
                hasIncludes = true
            case "tasks"?:
                guard case .mapping(let mapping) = value else { return nil }
                for (name, task) in mapping { if let name = name.string { tasks[name] = task } }
            default:
                break
            }
        }
        for (name, value) in overrides { variables[name] = value }
    }

    /// `CLI_ARGS` as go-task builds it from the words after `--` (mvdan/sh's quoting): a word a
    /// shell would split or expand goes in single quotes, or, when it holds a single quote, in
    /// double quotes with `$`, `` ` ``, `"` and `\` escaped.
    static func quoted(_ arguments: [String]) -> String {
        arguments.map { word in
            let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-./:=@%+,".unicodeScalars.contains($0) }
            if plain { return word }
            if !word.contains("'") { return "'" + word + "'" }
            var escaped = ""
            for character in word {
                if "$`\"\\".contains(character) { escaped.append("\\") }
                escaped.append(character)
            }
            return "\"" + escaped + "\""
        }.joined(separator: " ")
    }

    /// Reads `vars:` into `variables`; values are templates of the variables before them.
    static func readVariables(_ node: Node, into variables: inout [String: String?], commands: inout [String]) {
        guard case .mapping(let mapping) = node else { return }
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            if let scalar = value.scalar {
                variables[name] = .some(template(scalar.string, scope: variables))
            } else if let command = value["sh"]?.string {
                commands.append(template(command, scope: variables))
                variables[name] = String?.none
            } else {
                variables[name] = String?.none
            }
        }
    }

    /// `{{.NAME}}` replaced by a known value; any other template by `$(task-value)`.
    static func template(_ text: String, scope: [String: String?]) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                result += rest[open.lowerBound...]
                return result
            }
            var expression = rest[open.upperBound..<close.lowerBound]
            while expression.first == " " { expression = expression.dropFirst() }
            while expression.last == " " { expression = expression.dropLast() }
            if expression.hasPrefix("."), let value = scope[String(expression.dropFirst())], let value {
                result += value
            } else {
                result += "$(task-value)"
            }
            rest = rest[close.upperBound...]
        }
        result += rest
        return result
    }

    func commands(for name: String) -> (commands: [(String, String?)], complete: Bool) {
        var run = Run(file: self)
        run.commands = variableCommands.map { ($0, nil) }
        run.call(name, variables: variables, directory: nil, depth: 0)
        return (run.commands, run.complete)
    }

    private struct Run {
        let file: Taskfile

        func template(_ text: String, scope: [String: String?]) -> String { Taskfile.template(text, scope: scope) }

        /// What a called task sees: the file's variables and those the call passes (templates of
        /// the caller's), not the caller's own.
        mutating func passed(_ vars: Node?, from caller: [String: String?], place: String?) -> [String: String?] {
            var inner = file.variables
            guard let vars, case .mapping(let mapping) = vars else { return inner }
            var given: [String: String?] = caller
            var run: [String] = []
            Taskfile.readVariables(.mapping(mapping), into: &given, commands: &run)
            commands.append(contentsOf: run.map { ($0, place) })
            for (key, _) in mapping { if let name = key.string { inner[name] = given[name] ?? String?.none } }
            return inner
        }
        var commands: [(String, String?)] = []
        var complete = true
        var calls = 0

        init(file: Taskfile) { self.file = file }

        mutating func call(_ name: String, variables: [String: String?], directory: String?, depth: Int) {
            calls += 1
            guard depth < 16, calls < 128, commands.count < 4096, let task = file.tasks[name] else {
                complete = false
                return
            }
            var scope = variables
            var place = directory
            var list: [Node] = []
            switch task {
            case .scalar(let scalar):
                list = [.scalar(scalar)]
            case .sequence(let sequence):
                list = Array(sequence)
            case .mapping:
                if let vars = task["vars"] {
                    var run: [String] = []
                    Taskfile.readVariables(vars, into: &scope, commands: &run)
                    commands.append(contentsOf: run.map { ($0, directory) })
                }
                if let dir = task["dir"]?.string { place = template(dir, scope: scope) }
                for dependency in task["deps"]?.sequence ?? [] {
                    if let dependencyName = dependency.string ?? dependency["task"]?.string {
                        call(dependencyName, variables: passed(dependency["vars"], from: scope, place: place), directory: nil, depth: depth + 1)
                    } else {
                        complete = false
                    }
                }
                for check in (task["preconditions"]?.sequence ?? []) + (task["status"]?.sequence ?? []) {
                    if let command = check.string ?? check["sh"]?.string { commands.append((template(command, scope: scope), place)) }
                }
                list = Array(task["cmds"]?.sequence ?? [])
                if let single = task["cmd"]?.string { list.append(.scalar(.init(single))) }
            default:
                complete = false
            }
            for entry in list {
                if let command = entry.string {
                    commands.append((template(command, scope: scope), place))
                } else if let command = entry["cmd"]?.string ?? entry["defer"]?.string {
                    commands.append((template(command, scope: scope), place))
                } else if let called = entry["task"]?.string ?? entry["defer"]?["task"]?.string {
                    let vars = entry["vars"] ?? entry["defer"]?["vars"]
                    call(template(called, scope: scope), variables: passed(vars, from: scope, place: place), directory: nil, depth: depth + 1)
                } else {
                    complete = false
                }
            }
        }

    }
}
