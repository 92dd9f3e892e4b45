// libFuzzer target: arbitrary bytes as a shell command line, through the parser and the whole
// shell classifier. Built and run by `scripts/fuzz.sh shell`.
import InterlockClassifiers
import InterlockCore
import InterlockSyntax

private let classifier = ShellClassifier(fileSystem: FixedFileSystem(
    files: ["/work/x.sh": "rm -rf /tmp/x\nls\n"], directories: ["/work", "/tmp"]))

/// Pays one-time costs (lazy globals, type metadata) before any input is timed.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = classifier.classify(commandLine: "sudo rm -rf /x; git push -f; psql -c 'DROP TABLE t' | cat <<EOF\nx\nEOF", workingDirectory: "/work")
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShellClassifier(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let start = FuzzBudget.now()
    let parses = (try? ShellParser.parse(text)) != nil
    let facts = classifier.classify(commandLine: text, workingDirectory: "/work")
    let elapsed = FuzzBudget.now() - start
    // The classifier's promises: never `read` for what it could not parse, and bounded time.
    if !parses && facts.effect == .read { fatalError("unparseable input classified as read") }
    FuzzBudget.check(size: size, firstTiming: elapsed) {
        _ = try? ShellParser.parse(text)
        _ = classifier.classify(commandLine: text, workingDirectory: "/work")
    }
    return 0
}
