/// A command's arguments split the way getopt and GNU long options split them.
///
/// Option names are `StaticString`s and the results are small arrays: a command line carries a
/// handful of options, and hashing them into sets costs more than scanning.
struct CommandOptions {
    private(set) var flags: [String] = []
    private(set) var values: [(name: String, value: String)] = []
    var operands: [Argument] = []

    /// Splits `arguments`. Options named in `valued` take a value (`-o FILE`, `-oFILE`, `--out=FILE`,
    /// `--out FILE`). With `stopAtOperand`, the first operand and everything after it are operands:
    /// the way wrappers (`sudo`, `nice`) find the command they run.
    init(_ arguments: some Collection<Argument>, valued: [StaticString] = [], stopAtOperand: Bool = false) {
        func takesValue(_ name: some StringProtocol) -> Bool {
            valued.contains { option in option.withUTF8Buffer { name.utf8.elementsEqual($0) } }
        }
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
                    if takesValue(text), let next = iterator.popFirst() { values.append((text, next.text)) }
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
                        values.append((name, next.text))
                    }
                    break
                }
            }
        }
    }

    func has(_ names: String...) -> Bool { flags.contains { names.contains($0) } }
    func value(_ names: String...) -> String? { values.last { names.contains($0.name) }?.value }
    func allValues(_ names: String...) -> [String] { values.filter { names.contains($0.name) }.map(\.value) }
}
