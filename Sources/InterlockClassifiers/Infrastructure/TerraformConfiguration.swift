import InterlockCore
import InterlockSyntax

/// What a Terraform/OpenTofu configuration runs on the machine when it is planned: the programs
/// its `external` data sources name. `terraform plan` reads every data source, and an `external`
/// one is a command (`program = ["sh", "-c", "…"]`) run with the caller's rights and
/// environment, so a plan is a read only while the configuration holds none.
///
/// The root module's `.tf` and `.tf.json` files are read, then the local modules they call
/// (`source = "./modules/db"`) and the modules `terraform init` installed
/// (`.terraform/modules/modules.json`), through the classifier's view of the disk.
enum TerraformConfiguration {
    enum Programs: Equatable {
        /// Every file was read; none declares an `external` data source.
        case none
        /// The `external` data sources found, each as `data.external.NAME in FILE`.
        case external([String])
        /// The configuration could not be read in full, for the reason given.
        case unreadable(String)
        /// The view cannot see the directory (a gateway deciding for another machine).
        case unseen
    }

    static let maximumFiles = 256
    static let maximumBytes = 2 * 1024 * 1024
    static let maximumDirectories = 64

    static func externalPrograms(root: String, fileSystem: any FileSystemView) -> Programs {
        switch fileSystem.kind(of: root) {
        case nil: return .unseen
        case .file?, .missing?: return .none  // Terraform finds no configuration there, and runs nothing.
        case .directory?: break
        }
        var queue = [root]
        var queued: Set<String> = [root]
        var found: [String] = []
        var files = 0
        var bytes = 0

        func enqueue(_ directory: String) -> Bool {
            guard !queued.contains(directory) else { return true }
            guard queued.count < maximumDirectories else { return false }
            queued.insert(directory)
            queue.append(directory)
            return true
        }

        // Modules `terraform init` installed, remote ones included: their code runs in the plan too.
        let installed = root + "/.terraform/modules/modules.json"
        switch fileSystem.kind(of: installed) {
        case .file?:
            guard let text = fileSystem.contents(of: installed), let manifest = try? JSONValue.parse(text) else {
                return .unreadable("`\(installed)` cannot be read")
            }
            for module in manifest["Modules"]?.arrayValue ?? [] {
                guard let directory = module["Dir"]?.stringValue, !directory.isEmpty, directory != "." else { continue }
                guard enqueue(Paths.join(root, directory)) else { return .unreadable("the configuration calls more than \(maximumDirectories) module directories") }
            }
        case nil:
            return .unseen
        default:
            break
        }

        while let directory = queue.popLast() {
            guard let names = fileSystem.entries(of: directory) else {
                // A module directory that is gone makes `terraform plan` fail before it runs anything.
                if fileSystem.kind(of: directory) == .missing { continue }
                return .unreadable("the directory `\(directory)` cannot be listed")
            }
            for name in names where name.hasSuffix(".tf") || name.hasSuffix(".tf.json") {
                let path = directory == "/" ? "/" + name : directory + "/" + name
                guard fileSystem.kind(of: path) == .file else { continue }
                files += 1
                guard files <= maximumFiles else { return .unreadable("the configuration has more than \(maximumFiles) files") }
                guard let text = fileSystem.contents(of: path) else { return .unreadable("`\(path)` cannot be read") }
                bytes += text.utf8.count
                guard bytes <= maximumBytes else { return .unreadable("the configuration is larger than \(maximumBytes / 1024) KiB") }
                let declared: Declarations
                do {
                    declared = try name.hasSuffix(".json") ? Self.declarations(json: text) : Self.declarations(hcl: text)
                } catch {
                    return .unreadable("`\(path)` cannot be parsed (\(error))")
                }
                found += declared.externalSources.map { "data.external.\($0) in `\(path)`" }
                for source in declared.localModuleSources {
                    guard enqueue(Paths.join(directory, source)) else { return .unreadable("the configuration calls more than \(maximumDirectories) module directories") }
                }
            }
        }
        return found.isEmpty ? .none : .external(found)
    }

    struct Declarations {
        var externalSources: [String] = []
        /// `source` values of `module` blocks that are paths on this machine (`./x`, `../x`).
        var localModuleSources: [String] = []
    }

    struct UnreadableJSON: Error, CustomStringConvertible {
        var description: String { "not a JSON object" }
    }

    static func declarations(hcl text: String) throws -> Declarations {
        var out = Declarations()
        for block in try HCLBlocks.parse(text) {
            switch block.type {
            case "data" where block.labels.first == "external":
                out.externalSources.append(block.labels.count > 1 ? block.labels[1] : "?")
            case "module":
                if let source = block.strings["source"], isLocal(source) { out.localModuleSources.append(source) }
            default:
                break
            }
        }
        return out
    }

    /// The JSON syntax: `{"data": {"external": {"NAME": {…}}}, "module": {"NAME": {"source": …}}}`;
    /// a block type may also hold a list of such objects.
    static func declarations(json text: String) throws -> Declarations {
        guard let document = try? JSONValue.parse(text), document.objectValue != nil else { throw UnreadableJSON() }
        func objects(_ value: JSONValue?) -> [[String: JSONValue]] {
            guard let value else { return [] }
            if let object = value.objectValue { return [object] }
            return value.arrayValue?.compactMap(\.objectValue) ?? []
        }
        var out = Declarations()
        for data in objects(document["data"]) {
            for external in objects(data["external"]) { out.externalSources.append(contentsOf: external.keys.sorted()) }
        }
        for modules in objects(document["module"]) {
            for (_, module) in modules.sorted(by: { $0.key < $1.key }) {
                for body in objects(module) {
                    if let source = body["source"]?.stringValue, isLocal(source) { out.localModuleSources.append(source) }
                }
            }
        }
        return out
    }

    static func isLocal(_ source: String) -> Bool {
        source.hasPrefix("./") || source.hasPrefix("../") || source == "." || source == ".."
    }
}
