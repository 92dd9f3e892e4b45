/// A command's arguments split the way getopt and GNU long options split them.
struct CommandOptions {
    var flags: Set<String> = []
    var values: [String: [String]] = [:]
    var operands: [Argument] = []

    /// Splits `arguments`. Options named in `valued` take a value (`-o FILE`, `-oFILE`, `--out=FILE`,
    /// `--out FILE`). With `stopAtOperand`, the first operand and everything after it are operands:
    /// the way wrappers (`sudo`, `nice`) find the command they run.
    init(_ arguments: some Collection<Argument>, valued: Set<String> = [], stopAtOperand: Bool = false) {
        var iterator = Array(arguments)[...]
        while let argument = iterator.popFirst() {
            guard let text = argument.value, text.count > 1, text.hasPrefix("-") else {
                operands.append(argument)
                if stopAtOperand {
                    operands.append(contentsOf: iterator)
                    return
                }
                continue
            }
            if text == "--" {
                operands.append(contentsOf: iterator)
                return
            }
            if text.hasPrefix("--") {
                if let equals = text.firstIndex(of: "=") {
                    let name = String(text[..<equals])
                    values[name, default: []].append(String(text[text.index(after: equals)...]))
                    flags.insert(name)
                } else if valued.contains(text) {
                    flags.insert(text)
                    if let next = iterator.popFirst() { values[text, default: []].append(next.text) }
                } else {
                    flags.insert(text)
                }
                continue
            }
            // A cluster of short options: `-rf`, `-n5`, `-o FILE`.
            var rest = text.dropFirst()
            while let letter = rest.first {
                rest = rest.dropFirst()
                let name = "-" + String(letter)
                flags.insert(name)
                if valued.contains(name) {
                    if !rest.isEmpty {
                        values[name, default: []].append(String(rest))
                    } else if let next = iterator.popFirst() {
                        values[name, default: []].append(next.text)
                    }
                    break
                }
            }
        }
    }

    func has(_ names: String...) -> Bool { names.contains { flags.contains($0) } }
    func value(_ names: String...) -> String? {
        for name in names { if let v = values[name]?.last { return v } }
        return nil
    }
    func allValues(_ names: String...) -> [String] { names.flatMap { values[$0] ?? [] } }
}
