import InterlockCore

/// The files a diff changes, as `patch` and `git apply` read it: a patch is an edit to files it
/// names inside itself, so `git apply fix.diff` changes `.claude/settings.json` if the diff says so.
enum PatchFiles {
    /// The paths named by `+++` lines (by `---` for a file the diff deletes) with `strip` leading
    /// components removed, and git's `rename`/`copy` headers, in order and without repeats.
    static func paths(in text: String, strip: Int) -> [String] {
        var paths: [String] = []
        var previousOld: String?
        func append(_ path: String) {
            if !path.isEmpty, path != "/dev/null", !paths.contains(path) { paths.append(path) }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("--- ") {
                previousOld = name(line.dropFirst(4), strip: strip)
            } else if line.hasPrefix("+++ ") {
                let new = name(line.dropFirst(4), strip: strip)
                append(new == "/dev/null" ? previousOld ?? "" : new)
                // A rename in a plain diff: the old name goes away too.
                if let old = previousOld, old != new, old != "/dev/null" { append(old) }
                previousOld = nil
            } else {
                for header in ["rename from ", "rename to ", "copy to "] where line.hasPrefix(header) {
                    append(String(line.dropFirst(header.count)))
                }
            }
        }
        return paths
    }

    /// A `---`/`+++` name: up to a tab (a timestamp may follow), quotes removed, `strip`
    /// components dropped.
    private static func name(_ field: Substring, strip: Int) -> String {
        var text = field.prefix { $0 != "\t" }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        if text == "/dev/null" { return "/dev/null" }
        guard strip > 0 else { return String(text) }
        let components = text.split(separator: "/", omittingEmptySubsequences: false)
        guard components.count > strip else { return String(components.last ?? "") }
        return components.dropFirst(strip).joined(separator: "/")
    }
}

extension ShellAnalysis {
    /// A finding for the files a patch changes: read from the patch file, or from standard input
    /// when no file is named; their names unseen (an incomplete list) when it cannot be read.
    mutating func classifyPatch(operation: String, tool: String, patchFiles: [Argument], stdin: StandardInput, strip: Int) {
        var texts: [String] = []
        var unread: [String] = []
        if patchFiles.isEmpty {
            switch stdin {
            case .text(let text?), .piped(let text, _): texts.append(text)
            case .file(let path):
                if let text = contentsOfFile(named: .known(path)) { texts.append(text) } else { unread.append(path) }
            default: unread.append("standard input")
            }
        }
        for file in patchFiles {
            if let text = contentsOfFile(named: file) { texts.append(text) } else { unread.append(file.display) }
        }
        var targets = texts.flatMap { PatchFiles.paths(in: $0, strip: strip) }.map(Argument.known)
        if !unread.isEmpty { targets.append(.runtime("<files the patch \(unread.joined(separator: ", ")) names>")) }
        add(operation, .write, targets: targets,
            "`\(tool)` changes the files the patch names\(unread.isEmpty ? "" : "; the patch cannot be read here")")
    }
}

extension ShellAnalysis {
    /// `git apply`/`git am` PATCH…: the patches are the operands, or standard input; `-pN` strips
    /// N components (1 by default, for `a/` and `b/`).
    mutating func classifyGitPatch(_ subcommand: String, _ rest: [String], stdin: StandardInput) {
        if rest.contains(where: { $0 == "--check" || $0 == "--stat" || $0 == "--numstat" || $0 == "--summary" }) && !rest.contains("--apply") { return }
        var strip = 1
        var patches: [Argument] = []
        for word in rest {
            if word.hasPrefix("-p"), let n = Int(word.dropFirst(2)) { strip = n; continue }
            if word.hasPrefix(ascii: "-") { continue }
            patches.append(word.isEmpty ? .runtime("<computed>") : .known(word))
        }
        classifyPatch(operation: "git:\(subcommand)", tool: "git \(subcommand)", patchFiles: patches, stdin: stdin, strip: strip)
    }

    /// `patch [options] [ORIGINAL [PATCHFILE]]`: with ORIGINAL named, that file is what changes;
    /// otherwise the files the patch names, `-pN` components stripped (0 when not given).
    mutating func classifyPatchCommand(_ args: [Argument], stdin: StandardInput) {
        let options = CommandOptions(args, valued: ["-p", "--strip", "-i", "--input", "-o", "--output", "-d", "--directory", "-D", "--ifdef",
                                                    "-r", "--reject-file", "-z", "--suffix", "-B", "--prefix", "-F", "--fuzz", "-V", "--version-control"])
        if options.has("--dry-run", "-C", "--check") {
            add("shell:patch", .read, "`patch --dry-run` changes nothing")
            return
        }
        if let output = options.value("-o", "--output") {
            classifyWrite(to: .known(output), truncates: true, by: "`patch -o`", operation: "shell:patch")
            return
        }
        if let original = options.operands.first {
            add("shell:patch", .write, targets: [original], "`patch` changes `\(original.display)`")
            return
        }
        let strip = options.value("-p", "--strip").flatMap { Int($0) } ?? 0
        let input = options.valueArguments("-i", "--input").map(\.argument)
        classifyPatch(operation: "shell:patch", tool: "patch", patchFiles: input, stdin: stdin, strip: strip)
    }
}
