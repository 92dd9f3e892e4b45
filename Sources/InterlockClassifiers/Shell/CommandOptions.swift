/// A command's arguments split the way getopt and GNU long options split them.
///
/// Option names are `StaticString`s and the results are small arrays: a command line carries a
/// handful of options, and hashing them into sets costs more than scanning.
struct CommandOptions {
    private(set) var flags: [String] = []
    private(set) var values: [(name: String, value: String)] = []
    /// Positions in `values` of the values taken from a separate argument the shell computes at run time.
    private var computedValueIndices: [Int] = []
    var operands: [Argument] = []

    /// Splits `arguments`. Options named in `valued` take a value (`-o FILE`, `-oFILE`, `--out=FILE`,
    /// `--out FILE`). With `stopAtOperand`, the first operand and everything after it are operands:
    /// the way wrappers (`sudo`, `nice`) find the command they run.
    init(_ arguments: some Collection<Argument>, valued: [StaticString] = [], stopAtOperand: Bool = false) {
        func takesValue(_ name: some StringProtocol) -> Bool { Self.names(valued, name) }
        var iterator = arguments[...]
        while let argument = iterator.popFirst() {
            guard let text = argument.value, text.utf8.count > 1, text.utf8.first == UInt8(ascii: "-") else {
                // Room for every operand there can be, in one allocation.
                if operands.isEmpty { operands.reserveCapacity(iterator.count + 1) }
                operands.append(argument)
                if stopAtOperand {
                    operands.append(contentsOf: iterator)
                    return
                }
                continue
            }
            if text == "--" {
                if operands.isEmpty { operands.reserveCapacity(iterator.count) }
                operands.append(contentsOf: iterator)
                return
            }
            if text.hasPrefix("--") {
                if let equals = text.firstIndex(of: "=") {
                    let name = String(text[..<equals])
                    values.append((name, String(text[text.index(after: equals)...])))
                    flags.append(name)
                } else {
                    flags.append(text)
                    if takesValue(text), let next = iterator.popFirst() { appendValue(text, next) }
                }
                continue
            }
            // A cluster of short options: `-rf`, `-n5`, `-o FILE`.
            var rest = text.dropFirst()
            while let letter = rest.first {
                rest = rest.dropFirst()
                let name = "-" + String(letter)
                flags.append(name)
                if takesValue(name) {
                    if !rest.isEmpty {
                        values.append((name, String(rest)))
                    } else if let next = iterator.popFirst() {
                        appendValue(name, next)
                    }
                    break
                }
            }
        }
    }

    /// Whether `name` is one of `options`, compared byte by byte.
    static func names(_ options: [StaticString], _ name: some StringProtocol) -> Bool {
        options.contains { option in option.withUTF8Buffer { name.utf8.elementsEqual($0) } }
    }

    private mutating func appendValue(_ name: String, _ argument: Argument) {
        if argument.value == nil { computedValueIndices.append(values.count) }
        values.append((name, argument.text))
    }

    /// The values of the named options in order, each with its option; a value computed at run time
    /// has no `value`, only a display.
    func valueArguments(_ names: String...) -> [(name: String, argument: Argument)] {
        values.indices.compactMap { index in
            let (name, value) = values[index]
            guard names.contains(name) else { return nil }
            return (name, computedValueIndices.contains(index) ? .runtime(value) : .known(value))
        }
    }

    func has(_ names: String...) -> Bool { flags.contains { names.contains($0) } }
    func value(_ names: String...) -> String? { values.last { names.contains($0.name) }?.value }
    func allValues(_ names: String...) -> [String] { values.filter { names.contains($0.name) }.map(\.value) }
}
