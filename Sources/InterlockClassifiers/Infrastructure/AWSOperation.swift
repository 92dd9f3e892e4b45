import InterlockCore
import InterlockSyntax

/// Classifies one AWS API call — service, operation, parameters — whichever door it came through:
/// the AWS proxy's decoded request, a Kiro AWS tool call, or an `aws` command line.
///
/// Operation names mostly say what they do (`Describe*` reads, `Delete*` destroys), and the
/// conventions are applied first. Then the names that lie are corrected: every change to IAM, STS,
/// Organizations, SSO and KMS key policies changes who may do what; policies and ACLs on buckets,
/// functions and queues likewise; `Modify*`/`Update*`/`Put*` calls whose arguments switch off a
/// protection are destructive; `DryRun` makes any call a read.
public enum AWSOperation {
    /// Facts for one call. `service` is the signing name (`ec2`, `s3`); `operation` may be written
    /// `TerminateInstances`, `terminate-instances` or `terminate_instances`.
    public static func classify(service rawService: String, operation rawOperation: String, parameters: JSONValue) -> [Finding] {
        let service = normalizedService(rawService)
        let operation = pascalCase(rawOperation)
        var findings = classifyCall(service: service, operation: operation, parameters: parameters)
        if let passed = passedRole(service: service, parameters: parameters), findings.contains(where: { $0.effect != .read }) {
            findings.append(Finding(operation: "aws:\(service):\(operation):pass_role", effect: .write, targets: [passed.value], categories: [.permissionChange],
                                    reason: "`\(operation)` hands the role in `\(passed.name)` (`\(passed.value)`) to what it creates or changes: code run there acts with that role's permissions (iam:PassRole)"))
        }
        return findings
    }

    /// A role a call hands to a resource (`iam:PassRole`): a function's `Role`, a task's
    /// `TaskRoleArn`, an instance's `IamInstanceProfile`, a stack's or a rule target's `RoleArn`.
    /// Nil in the services that only manage roles and grants, where every change is one already.
    static func passedRole(service: String, parameters: JSONValue) -> (name: String, value: String)? {
        guard !permissionServices.contains(service), let object = parameters.objectValue, !object.isEmpty else { return nil }
        // Most calls name no role: their parameter names are passed over by their bytes.
        func mayNameRole(_ name: String) -> Bool {
            var lower = name.utf8.lazy.map { $0 | 0x20 }.makeIterator()
            var window: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
            while let byte = lower.next() {
                window = (window.1, window.2, window.3, byte)
                if window == (UInt8(ascii: "r"), UInt8(ascii: "o"), UInt8(ascii: "l"), UInt8(ascii: "e")) || window == (UInt8(ascii: "f"), UInt8(ascii: "i"), UInt8(ascii: "l"), UInt8(ascii: "e")) { return true }
            }
            return false
        }
        guard object.keys.contains(where: mayNameRole) else { return nil }
        for name in object.keys.sorted() where mayNameRole(name) {
            let key = lookupKey(name)
            guard key == "role" || key.hasSuffix("rolearn") || key == "servicerole" || key == "jobflowrole" || key == "iaminstanceprofile" else { continue }
            let value = object[name]!
            let text = value.stringValue ?? value["Arn"]?.stringValue ?? value["Name"]?.stringValue ?? value["arn"]?.stringValue ?? value["name"]?.stringValue
            return (name, text ?? "?")
        }
        return nil
    }

    static func classifyCall(service: String, operation: String, parameters: JSONValue) -> [Finding] {
        let key = lookupKey(operation)
        let op = "aws:\(service):\(operation)"
        let (targets, complete, count) = targetsAndRadius(service: service, key: key, parameters: parameters)
        func finding(_ effect: Effect, _ categories: Set<Category> = [], _ reason: String, radius: BlastRadius? = nil) -> Finding {
            Finding(operation: op, effect: effect, targets: targets, targetsComplete: complete,
                    blastRadius: radius ?? (complete ? .count(count) : .unknown), categories: categories, reason: reason)
        }
        if parameter(parameters, "DryRun")?.boolValue == true {
            return [finding(.read, [], "`\(operation)` with DryRun only checks permissions", radius: .count(0))]
        }
        let verb = verbEffect(key)

        // Data APIs that run SQL or PartiQL: the statements decide, as they would through psql.
        if let (name, dialects) = queryParameter[service]?[key] {
            guard let statements = queryTexts(parameter(parameters, name)), !statements.isEmpty else {
                return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false, categories: [.opaqueExecution],
                                reason: "`\(operation)` runs a statement that cannot be read from the request")]
            }
            var statementFindings: [Finding] = []
            for statement in statements {
                for dialect in dialects {
                    for found in SQLClassifier.findings(for: statement, dialect: dialect).findings where !statementFindings.contains(found) {
                        statementFindings.append(found)
                    }
                }
            }
            let effect = Effect.worst(statementFindings.map(\.effect))
            let categories = statementFindings.reduce(into: Set<Category>()) { $0.formUnion($1.categories) }
            return [finding(effect, categories, "`\(operation)` runs SQL; what it does is what its statements do")] + statementFindings
        }

        // A command run in a task's container (ECS Exec): what it does is what the command does.
        // Without one it is the interactive shell the agent then types into: unknown.
        if service == "ecs", key == "executecommand", let command = textParameter(parameters, "command"), !command.isEmpty {
            let facts = ShellClassifier().classify(commandLineElsewhere: command)
            return [finding(facts.effect, facts.categories, "`ExecuteCommand` runs `\(command)` in the task's container")] + facts.findings
        }

        // Shell commands sent to instances: what they do is what the commands do, on every
        // instance the call targets.
        if service == "ssm", key == "sendcommand", let commands = shellCommands(parameters, document: "DocumentName") {
            let commandFindings = classifiedCommands(commands)
            let effect = Effect.worst(commandFindings.map(\.effect))
            let categories = commandFindings.reduce(into: Set<Category>()) { $0.formUnion($1.categories) }
            let radius: BlastRadius = parameter(parameters, "Targets") != nil ? .unknown : (complete ? .count(count) : .unknown)
            return [finding(effect, categories, "`SendCommand` runs `AWS-RunShellScript` on \(radius == .unknown ? "every instance its targets match" : "the instances named"); what it does is what its commands do", radius: radius)]
                + commandFindings
        }
        if let arranged = arrangedLater(service: service, key: key, operation: operation, parameters: parameters) {
            return [finding(arranged.effect, arranged.categories, arranged.reason)] + arranged.calls
        }
        if let (effect, categories, reason, calls) = userDataFindings(service: service, key: key, operation: operation, parameters: parameters) {
            return [finding(effect, categories, reason)] + calls
        }
        // SecureString parameters are secrets: decrypted, they reach the caller.
        if service == "ssm", ["getparameter", "getparameters", "getparametersbypath", "getparameterhistory"].contains(key),
           parameter(parameters, "WithDecryption")?.boolValue == true {
            return [finding(.read, [.credentialIssue], "`\(operation)` with WithDecryption returns SecureString values, secrets, to the caller")]
        }
        // New user data for an instance: cloud-init runs it as root when the instance boots, and
        // a boot script (`#cloud-boothook`, per-boot parts) runs on every boot, not only the first.
        if service == "ec2", key == "modifyinstanceattribute", parameter(parameters, "UserData") != nil || parameter(parameters, "Attribute")?.stringValue == "userData" {
            return [finding(.unknown, [.opaqueExecution], "`ModifyInstanceAttribute` replaces the instance's user data, which runs as root when the instance boots")]
        }
        // S3 documents that may switch a protection off: one not read (a proxied body outside the
        // XML read exactly, a value given some other way) may say anything.
        if service == "s3", let document = protectionDocuments[key], parameter(parameters, document)?.objectValue == nil {
            return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: complete, categories: [],
                            reason: "`\(operation)` with a `\(document)` that cannot be read here, which may switch a protection off")]
        }
        // Protection switched off by an argument, whatever the operation is otherwise taken to do
        // (`UpdateTerminationProtection` is a write until its argument says off).
        if let protection = protectionOff(service: service, key: key, parameters: parameters) {
            return [finding(.destructive, [.protectionOff], protection)]
        }
        if let (opened, categories) = opensAccess(service: service, key: key, parameters: parameters) {
            return [finding(.destructive, categories, opened)]
        }
        // `aws cloudformation deploy` is the CLI's, not an API call: it creates a change set and,
        // unless told not to, executes it, replacing or deleting whatever the template's changes say.
        if service == "cloudformation", key == "deploy" {
            if booleanValue(parameter(parameters, "ExecuteChangeset")) == false {
                return [finding(.read, [], "`deploy --no-execute-changeset` only creates a change set to review")]
            }
            return [finding(.unknown, [], "`deploy` executes a change set that may replace or delete resources; what it does depends on the template's changes")]
        }
        // Names that lie, by service and operation.
        if let special = specialCases[service]?[key] {
            return [finding(special.effect, special.categories, special.reason)]
        }
        if let stopped = scalesToZero(service: service, key: key, parameters: parameters) {
            return [finding(.destructive, [], stopped)]
        }
        if let shortened = shortensRetention(service: service, key: key, parameters: parameters) {
            return [finding(.destructive, [.dataLoss], shortened)]
        }
        // A change batch that deletes DNS records takes names off the internet.
        if service == "route53", key == "changeresourcerecordsets" {
            guard let changes = parameter(parameters, "ChangeBatch")?["Changes"]?.arrayValue else {
                return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false,
                                reason: "`ChangeResourceRecordSets` with a change batch that cannot be read here, which may delete DNS records")]
            }
            let actions = changes.map { $0["Action"]?.stringValue.map { String($0.filter { !$0.isWhitespace }).uppercased() } }
            if actions.contains("DELETE") {
                return [finding(.destructive, [], "`ChangeResourceRecordSets` deletes DNS records")]
            }
            // CREATE and UPSERT are the other two; anything else is not a change this reads.
            if actions.contains(where: { $0 != "CREATE" && $0 != "UPSERT" }) {
                return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false,
                                reason: "`ChangeResourceRecordSets` with a change whose action is not CREATE, UPSERT or DELETE")]
            }
        }
        // Who may do what: every change in these services is a permission change.
        if permissionServices.contains(service) {
            if verb == .read { return [finding(.read, [], "`\(service):\(operation)` only reads")] }
            return [finding(.destructive, [.permissionChange], "`\(service):\(operation)` changes who may do what")]
        }
        switch verb {
        case .read?:
            return [finding(.read, [], "`\(operation)` only reads")]
        case .write?:
            return [finding(.write, [], "`\(operation)` creates or changes resources")]
        case .destructive?:
            var categories: Set<Category> = []
            if teardownOperations.contains(key) { categories.insert(.teardown) }
            if dataLossOperations.contains(where: { key.hasPrefix($0) }) || dataLossExactOperations.contains(key) { categories.insert(.dataLoss) }
            // Stack instances removed from their set with `RetainStacks` keep their stacks.
            if key == "deletestackinstances", booleanValue(parameter(parameters, "RetainStacks")) == true { categories = [] }
            let noFinalSnapshot = booleanValue(parameter(parameters, "SkipFinalSnapshot")) == true
            if noFinalSnapshot { categories.insert(.dataLoss) }
            if key.hasPrefix("reboot") || key.hasPrefix("failover") {
                return [finding(.destructive, categories, "`\(operation)` takes what it names out of service until it restarts or a replica takes over: connections drop and writes stop meanwhile")]
            }
            return [finding(.destructive, categories, "`\(operation)` deletes, stops or detaches resources\(noFinalSnapshot ? " without a final snapshot" : "")")]
        default:
            return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false, reason: "`\(service):\(operation)` is not an operation Interlock can classify by name; its effect is unknown")]
        }
    }

    // MARK: Names

    /// The CLI and some SDKs use other names for a few services.
    static func normalizedService(_ name: String) -> String {
        let lower = name.lowercased()
        switch lower {
        case "s3api": return "s3"
        case "elbv2", "elb": return "elasticloadbalancing"
        case "logs": return "logs"
        case "sso-admin": return "sso"
        case "stepfunctions", "sfn": return "states"
        case "emr": return "elasticmapreduce"
        default: return lower
        }
    }

    /// `terminate-instances` / `terminate_instances` / `TerminateInstances` → `TerminateInstances`.
    static func pascalCase(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }) || name.first?.isLowercase == true else { return name }
        return name.utf8.allSatisfy({ $0 < 0x80 }) ? asciiPascalCase(name) : unicodePascalCase(name)
    }

    static func unicodePascalCase(_ name: String) -> String {
        name.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { part in
            let lower = part.lowercased()
            if acronyms.contains(lower) { return lower == "ids" ? "Ids" : (lower == "id" ? "Id" : part.uppercased()) }
            return part.prefix(1).uppercased() + part.dropFirst().lowercased()
        }.joined()
    }

    /// `pascalCase` for ASCII names (every name the CLI and SDKs send), byte by byte: the same
    /// result without Unicode case mapping and grapheme breaking, which cost more than the rest of
    /// an AWS call's classification.
    static func asciiPascalCase(_ name: String) -> String {
        // Written straight into the result, which is never longer than the name: separators go,
        // letters only change case. A part longer than every acronym needs no lookup, and a
        // shorter one is a small string held inline.
        func isSeparator(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") }
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte }
        func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte - 32 : byte }
        var name = name
        return name.withUTF8 { input in
            String(unsafeUninitializedCapacity: input.count) { out in
                var written = 0
                var start = 0
                while start < input.count {
                    guard !isSeparator(input[start]) else {
                        start += 1
                        continue
                    }
                    var end = start
                    while end < input.count, !isSeparator(input[end]) { end += 1 }
                    var capitals = false
                    if end - start <= longestAcronym {
                        let part = String(unsafeUninitializedCapacity: end - start) { buffer in
                            for offset in 0..<(end - start) { buffer[offset] = lower(input[start + offset]) }
                            return end - start
                        }
                        capitals = part != "id" && part != "ids" && acronyms.contains(part)
                    }
                    for index in start..<end {
                        out[written] = capitals || index == start ? upper(input[index]) : lower(input[index])
                        written += 1
                    }
                    start = end
                }
                return written
            }
        }
    }

    /// Acronyms the AWS APIs spell in capitals (all but `Id` and `Ids`).
    static let acronyms: Set<String> = [
        "db", "ip", "acl", "vpc", "ssl", "api", "arn", "id", "ids", "kms", "iam", "ebs", "ecs", "eks", "dns", "sns", "sqs", "mfa", "saml", "oidc", "tls", "url", "vpn",
    ]

    static let longestAcronym = acronyms.map(\.utf8.count).max() ?? 0

    /// Lower case, letters and digits only: the spelling-independent key lookups use.
    static func lookupKey(_ name: String) -> String {
        // ASCII names (all real ones) byte by byte; others through Unicode lower-casing, which
        // can turn a non-ASCII letter into an ASCII one.
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return unicodeLookupKey(name) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            if let key = lookupKeyByte(byte) { bytes.append(key) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What an ASCII byte becomes in a lookup key: letters lower-cased, digits kept, the rest dropped.
    static func lookupKeyByte(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): byte
        default: nil
        }
    }

    static func unicodeLookupKey(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") })
    }

    static let readPrefixes = ["describe", "list", "get", "head", "query", "scan", "search", "lookup", "batchget", "select", "check", "validate", "estimate", "preview", "simulate", "detect", "test", "verify", "view", "download", "filter", "poll", "receive"]
    // `export…` copies data out (a table or an image to a bucket, possibly another account's):
    // a write, not a read.
    static let writePrefixes = ["export", "create", "put", "tag", "untag", "start", "run", "update", "modify", "set", "add", "associate", "attach", "register", "enable", "import", "copy", "upload", "send", "publish", "invoke", "apply", "allocate", "request", "restore", "batchwrite", "batchput", "batchupdate", "change", "accept", "confirm", "complete", "increase", "decrease", "rotate", "resume", "retry", "signal", "execute", "deploy", "promote", "authorize", "grant", "assume", "initiate", "activate", "reset", "write", "append", "replace", "recover", "rebuild", "continue", "notify", "subscribe", "move", "transfer", "renew", "provision", "upgrade", "attach", "label", "reserve", "purchase", "redeploy", "replicate", "override", "configure", "merge", "submit"]
    static let destructivePrefixes = ["delete", "batchdelete", "terminate", "remove", "purge", "deregister", "revoke", "detach", "disassociate", "stop", "disable", "release", "deactivate", "withdraw", "abort", "cancel", "empty", "destroy", "drop", "flush", "clear", "wipe", "unassign", "unsubscribe", "deprovision", "decommission", "unregister", "uninstall", "unlink", "reject", "unset", "discard", "expire", "shutdown", "unpeer", "evict", "kill",
        // A reboot or a failover takes what it names out of service until it is back: a
        // database's writes stop, an instance's programs die, as `reboot` on the host would.
        "reboot", "failover"]

    static func verbEffect(_ key: String) -> Effect? {
        // Destructive verbs first (`startdelete…` excepted: it starts a job), then `reset`, then
        // reads, then writes; only the verbs sharing the key's first letter are tried.
        guard let first = key.utf8.first, let candidates = verbsByFirstByte[first] else { return nil }
        let startsJob = first == UInt8(ascii: "s") && key.hasPrefix("startdelete")
        for (verb, effect) in candidates where !(startsJob && effect == .destructive && verb != "reset") && key.hasPrefix(verb) {
            return effect
        }
        return nil
    }

    /// The verb lists in the order `verbEffect` tries them, by first byte.
    static let verbsByFirstByte: [UInt8: [(verb: String, effect: Effect)]] = {
        var table: [UInt8: [(verb: String, effect: Effect)]] = [:]
        let ordered = destructivePrefixes.map { ($0, Effect.destructive) } + [("reset", .destructive)]
            + readPrefixes.map { ($0, Effect.read) } + writePrefixes.map { ($0, Effect.write) }
        for (verb, effect) in ordered { table[verb.utf8.first!, default: []].append((verb, effect)) }
        return table
    }()

    /// Services where every change changes permissions.
    static let permissionServices: Set<String> = ["iam", "sts", "organizations", "sso", "identitystore", "ram"]

    struct Special {
        var effect: Effect
        var categories: Set<Category>
        var reason: String
    }

    /// Operations whose names do not say what they do, keyed by service and `lookupKey`.
    /// Operations whose request carries SQL or PartiQL, by the parameter that holds it and the
    /// dialects it is read in (Aurora's Data API serves PostgreSQL and MySQL alike: both are read).
    static let queryParameter: [String: [String: (String, [SQLDialect])]] = [
        "rds-data": ["executestatement": ("Sql", [.postgresql, .mysql]), "batchexecutestatement": ("Sql", [.postgresql, .mysql])],
        "redshift-data": ["executestatement": ("Sql", [.postgresql]), "batchexecutestatement": ("Sqls", [.postgresql])],
        "athena": ["startqueryexecution": ("QueryString", [.postgresql])],
        "dynamodb": ["executestatement": ("Statement", [.postgresql]), "batchexecutestatement": ("Statements", [.postgresql]),
                     "executetransaction": ("TransactStatements", [.postgresql])],
    ]

    /// The statement texts of a query parameter: a string, a list of strings, or a list of
    /// `{"Statement": …}` objects (DynamoDB's batches); nil when any of it is not text.
    static func queryTexts(_ value: JSONValue?) -> [String]? {
        switch value {
        case .string(let text)?: return [text]
        case .array(let items)?:
            var texts: [String] = []
            for item in items {
                if let text = item.stringValue ?? item["Statement"]?.stringValue { texts.append(text) } else { return nil }
            }
            return texts
        default: return nil
        }
    }

    static let specialCases: [String: [String: Special]] = [
        "s3": [
            "putbucketpolicy": Special(effect: .destructive, categories: [.permissionChange], reason: "`PutBucketPolicy` replaces who may access the bucket"),
            "deletebucketpolicy": Special(effect: .destructive, categories: [.permissionChange], reason: "`DeleteBucketPolicy` removes the bucket's access policy"),
            "putbucketacl": Special(effect: .destructive, categories: [.permissionChange], reason: "`PutBucketAcl` changes who may access the bucket"),
            "putobjectacl": Special(effect: .destructive, categories: [.permissionChange], reason: "`PutObjectAcl` changes who may read the object"),
            "putpublicaccessblock": Special(effect: .destructive, categories: [.protectionOff, .permissionChange], reason: "`PutPublicAccessBlock` changes whether the bucket can be made public"),
            "deletepublicaccessblock": Special(effect: .destructive, categories: [.protectionOff, .permissionChange], reason: "`DeletePublicAccessBlock` lets the bucket be made public"),
            "putbucketlifecycleconfiguration": Special(effect: .destructive, categories: [.dataLoss], reason: "`PutBucketLifecycleConfiguration` can expire (delete) objects on a schedule"),
            "putbucketlifecycle": Special(effect: .destructive, categories: [.dataLoss], reason: "`PutBucketLifecycle` (the older name of `PutBucketLifecycleConfiguration`) can expire (delete) objects on a schedule"),
            "putobject": Special(effect: .write, categories: [], reason: "`PutObject` writes an object, replacing any object with the same key"),
            "putbucketencryption": Special(effect: .write, categories: [], reason: "`PutBucketEncryption` changes default encryption"),
            "putobjectlockconfiguration": Special(effect: .write, categories: [], reason: "`PutObjectLockConfiguration` changes object lock"),
        ],
        "lambda": [
            "invoke": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`Invoke` runs the function's code, whose effect is not in the request"),
            "invokeasync": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`InvokeAsync` runs the function's code, whose effect is not in the request"),
            // The IAM action's name, which agents and people also write for `Invoke`.
            "invokefunction": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`InvokeFunction` (the API's `Invoke`) runs the function's code, whose effect is not in the request"),
            "invokewithresponsestream": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`InvokeWithResponseStream` runs the function's code, whose effect is not in the request"),
            "addpermission": Special(effect: .destructive, categories: [.permissionChange], reason: "`AddPermission` lets another principal invoke the function"),
            "removepermission": Special(effect: .destructive, categories: [.permissionChange], reason: "`RemovePermission` changes who may invoke the function"),
        ],
        "kms": [
            "putkeypolicy": Special(effect: .destructive, categories: [.permissionChange], reason: "`PutKeyPolicy` replaces who may use the key"),
            "creategrant": Special(effect: .destructive, categories: [.permissionChange], reason: "`CreateGrant` lets another principal use the key"),
            "schedulekeydeletion": Special(effect: .destructive, categories: [.dataLoss], reason: "`ScheduleKeyDeletion` deletes the key; data encrypted with it becomes unreadable"),
            "disablekey": Special(effect: .destructive, categories: [.dataLoss], reason: "`DisableKey` makes data encrypted with the key unreadable until re-enabled"),
            "encrypt": Special(effect: .read, categories: [], reason: "`Encrypt` only transforms data"),
            // What is encrypted with a key is often a secret (SOPS files, encrypted environment
            // values): its plaintext goes to the caller, as `GetSecretValue`'s does.
            "decrypt": Special(effect: .read, categories: [.credentialIssue], reason: "`Decrypt` returns the plaintext of what was encrypted, often a secret, to the caller"),
            "generatedatakey": Special(effect: .read, categories: [], reason: "`GenerateDataKey` only returns key material"),
        ],
        "sqs": [
            "addpermission": Special(effect: .destructive, categories: [.permissionChange], reason: "`AddPermission` lets another account use the queue"),
            "purgequeue": Special(effect: .destructive, categories: [.dataLoss], reason: "`PurgeQueue` deletes every message in the queue"),
            "receivemessage": Special(effect: .write, categories: [], reason: "`ReceiveMessage` hides messages from other consumers"),
        ],
        "sns": [
            "addpermission": Special(effect: .destructive, categories: [.permissionChange], reason: "`AddPermission` lets another account use the topic"),
        ],
        "ecr": [
            "setrepositorypolicy": Special(effect: .destructive, categories: [.permissionChange], reason: "`SetRepositoryPolicy` changes who may pull or push images"),
            "getauthorizationtoken": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetAuthorizationToken` returns a registry password that can push images"),
            "getloginpassword": Special(effect: .destructive, categories: [.credentialIssue], reason: "`get-login-password` returns a registry password that can push images"),
            "putlifecyclepolicy": Special(effect: .destructive, categories: [.dataLoss], reason: "`PutLifecyclePolicy` can expire (delete) the repository's images on a schedule, those running deployments pull included"),
        ],
        "ecr-public": [
            "getauthorizationtoken": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetAuthorizationToken` returns a registry password that can push images"),
            "getloginpassword": Special(effect: .destructive, categories: [.credentialIssue], reason: "`get-login-password` returns a registry password that can push images"),
        ],
        "secretsmanager": [
            "putresourcepolicy": Special(effect: .destructive, categories: [.permissionChange], reason: "`PutResourcePolicy` changes who may read the secret"),
            "getsecretvalue": Special(effect: .read, categories: [.credentialIssue], reason: "`GetSecretValue` returns a stored secret to the caller"),
            "batchgetsecretvalue": Special(effect: .read, categories: [.credentialIssue], reason: "`BatchGetSecretValue` returns stored secrets to the caller"),
        ],
        "ec2": [
            "authorizesecuritygroupingress": Special(effect: .destructive, categories: [.permissionChange], reason: "`AuthorizeSecurityGroupIngress` opens network access"),
            "authorizesecuritygroupegress": Special(effect: .destructive, categories: [.permissionChange], reason: "`AuthorizeSecurityGroupEgress` opens network access"),
            "modifysnapshotattribute": Special(effect: .destructive, categories: [.permissionChange], reason: "`ModifySnapshotAttribute` can share a snapshot with other accounts"),
            "modifyimageattribute": Special(effect: .destructive, categories: [.permissionChange], reason: "`ModifyImageAttribute` can share an image with other accounts"),
            "runinstances": Special(effect: .write, categories: [], reason: "`RunInstances` launches instances (cost)"),
            "getpassworddata": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetPasswordData` returns the instance's administrator password to the caller"),
        ],
        "organizations": [
            "closeaccount": Special(effect: .destructive, categories: [.teardown, .dataLoss, .permissionChange],
                                    reason: "`CloseAccount` closes a member account: everything in it stops, and is deleted when the 90 days to reopen it pass"),
            "removeaccountfromorganization": Special(effect: .destructive, categories: [.permissionChange, .protectionOff],
                                                     reason: "`RemoveAccountFromOrganization` takes the account out from under the organization's policies"),
        ],
        "rds": [
            "modifydbsnapshotattribute": Special(effect: .destructive, categories: [.permissionChange], reason: "`ModifyDBSnapshotAttribute` can share a snapshot with other accounts"),
        ],
        "cloudformation": [
            "updatestack": Special(effect: .unknown, categories: [], reason: "`UpdateStack` may replace or delete resources; what it does depends on the template's changes"),
            "executechangeset": Special(effect: .unknown, categories: [], reason: "`ExecuteChangeSet` may replace or delete resources; review the change set"),
            "updatestackset": Special(effect: .unknown, categories: [], reason: "`UpdateStackSet` updates every stack instance of the set, in every account and Region, which may replace or delete resources"),
            "updatestackinstances": Special(effect: .unknown, categories: [], reason: "`UpdateStackInstances` updates stack instances, which may replace or delete resources"),
            "deletestack": Special(effect: .destructive, categories: [.teardown], reason: "`DeleteStack` deletes the stack and every resource in it"),
            "createchangeset": Special(effect: .read, categories: [], reason: "`CreateChangeSet` only previews changes"),
            "setstackpolicy": Special(effect: .destructive, categories: [.protectionOff], reason: "`SetStackPolicy` changes which resources updates may replace"),
            "updateterminationprotection": Special(effect: .write, categories: [], reason: "`UpdateTerminationProtection` changes termination protection"),
            "testtype": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`TestType` runs an extension's contract tests in the account, which create, change and delete real resources"),
        ],
        // `Test…` calls that are not tests: each does the real thing, or runs code defined elsewhere.
        "elasticache": [
            "testfailover": Special(effect: .destructive, categories: [], reason: "`TestFailover` fails the primary node over for real: writes stop until a replica is promoted and clients reconnect"),
            "testmigration": Special(effect: .write, categories: [], reason: "`TestMigration` starts replicating from the endpoints it is given"),
        ],
        "apigateway": [
            "testinvokemethod": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`TestInvokeMethod` calls the method's integration for real: its backend does whatever the method does"),
            "testinvokeauthorizer": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`TestInvokeAuthorizer` runs the authorizer's code"),
        ],
        "iot": [
            "createjob": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`CreateJob` sends a job document to devices, which run what it says"),
            "testinvokeauthorizer": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`TestInvokeAuthorizer` runs the authorizer's Lambda function"),
        ],
        "acm": [
            "exportcertificate": Special(effect: .destructive, categories: [.credentialIssue], reason: "`ExportCertificate` returns the certificate's private key to the caller"),
        ],
        "sts": [
            "getcalleridentity": Special(effect: .read, categories: [], reason: "`GetCallerIdentity` only reads"),
            "decodeauthorizationmessage": Special(effect: .read, categories: [], reason: "`DecodeAuthorizationMessage` only explains why a request was denied"),
            "assumerole": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`AssumeRole` returns another role's credentials to the caller"),
            "assumerolewithsaml": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`AssumeRoleWithSAML` returns a role's credentials to the caller"),
            "assumerolewithwebidentity": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`AssumeRoleWithWebIdentity` returns a role's credentials to the caller"),
            "assumeroot": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`AssumeRoot` returns root credentials of a member account to the caller"),
            "getsessiontoken": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetSessionToken` returns temporary credentials of the signer to the caller, usable without the proxy"),
            "getfederationtoken": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetFederationToken` returns temporary credentials of the signer to the caller, usable without the proxy"),
        ],
        "iam": [
            "createaccesskey": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`CreateAccessKey` returns a new long-term access key to the caller"),
            "createloginprofile": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`CreateLoginProfile` sets a console password the caller chooses"),
            "updateloginprofile": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`UpdateLoginProfile` sets a console password the caller chooses"),
            "createservicespecificcredential": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`CreateServiceSpecificCredential` returns a new password to the caller"),
            "resetservicespecificcredential": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`ResetServiceSpecificCredential` returns a new password to the caller"),
        ],
        "sso": [
            "getrolecredentials": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetRoleCredentials` returns a role's credentials to the caller"),
        ],
        "cognito-identity": [
            "getcredentialsforidentity": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetCredentialsForIdentity` returns AWS credentials to the caller"),
            "getopenidtokenfordeveloperidentity": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetOpenIdTokenForDeveloperIdentity` returns a token that can be exchanged for credentials"),
        ],
        "codeartifact": [
            "getauthorizationtoken": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetAuthorizationToken` returns a token that can publish packages"),
        ],
        "redshift": [
            "getclustercredentials": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetClusterCredentials` returns a database password to the caller"),
            "getclustercredentialswithiam": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetClusterCredentialsWithIAM` returns a database password to the caller"),
        ],
        "redshift-serverless": [
            "getcredentials": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetCredentials` returns a database password to the caller"),
        ],
        "lightsail": [
            "getinstanceaccessdetails": Special(effect: .destructive, categories: [.credentialIssue], reason: "`GetInstanceAccessDetails` returns a key or password to log in to the instance"),
        ],
        "ec2-instance-connect": [
            "sendsshpublickey": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`SendSSHPublicKey` lets the caller's key log in to the instance"),
            "sendserialconsolesshpublickey": Special(effect: .destructive, categories: [.permissionChange, .credentialIssue], reason: "`SendSerialConsoleSSHPublicKey` lets the caller's key reach the instance's console"),
        ],
        "dynamodb": [
            "batchwriteitem": Special(effect: .destructive, categories: [.dataLoss], reason: "`BatchWriteItem` can put and delete items"),
        ],
        // Operations that run commands on machines: what they do is in the commands, not the name.
        "ssm": [
            "sendcommand": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`SendCommand` runs a document on instances; `AWS-RunShellScript` runs any shell command"),
            "startsession": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartSession` opens a shell on an instance"),
            "startautomationexecution": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartAutomationExecution` runs an automation document's steps"),
        ],
        "ecs": [
            "executecommand": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`ExecuteCommand` runs a command inside a running container"),
            "runtask": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`RunTask` runs a task definition's containers, whose commands are not in the request"),
            "starttask": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartTask` runs a task definition's containers, whose commands are not in the request"),
        ],
        // Operations that run code defined elsewhere (a function, a state machine, a build or a
        // job): the request names it; what it does is not in the request.
        "states": [
            "startexecution": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartExecution` runs a state machine's steps"),
            "startsyncexecution": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartSyncExecution` runs a state machine's steps"),
            "teststate": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`TestState` runs the state it is given, calling its service integration for real"),
        ],
        "codebuild": [
            "startbuild": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartBuild` runs the project's build commands"),
            "startbuildbatch": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartBuildBatch` runs the project's build commands"),
            "retrybuild": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`RetryBuild` runs the build's commands again"),
            "retrybuildbatch": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`RetryBuildBatch` runs the builds' commands again"),
        ],
        // A pipeline's stages build and deploy: a release to production made without a person.
        "codepipeline": [
            "startpipelineexecution": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartPipelineExecution` runs the pipeline's stages: its builds, tests and deployments"),
            "retrystageexecution": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`RetryStageExecution` runs a stage's actions again, deployments included"),
            "rollbackstage": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`RollbackStage` deploys an earlier revision through the stage's actions"),
        ],
        "elasticmapreduce": [
            "addjobflowsteps": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`AddJobFlowSteps` runs steps (any command or program) on the cluster"),
            // `aws emr add-steps`, the CLI's name for it.
            "addsteps": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`add-steps` (`AddJobFlowSteps`) runs steps (any command or program) on the cluster"),
        ],
        "emr-containers": [
            "startjobrun": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartJobRun` runs the job's code"),
        ],
        "emr-serverless": [
            "startjobrun": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartJobRun` runs the job's code"),
        ],
        "amplify": [
            "startjob": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartJob` runs the app's build commands and deploys the result"),
        ],
        "glue": [
            "startjobrun": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`StartJobRun` runs the job's script"),
        ],
        "batch": [
            "submitjob": Special(effect: .unknown, categories: [.opaqueExecution], reason: "`SubmitJob` runs the job definition's command"),
        ],
    ]

    /// A Boolean as the doors deliver it: JSON `true`/`false` (the JSON protocols, the proxy's
    /// reading of the query protocol), or text (`--param Name=false`, a model's `"false"` in
    /// Kiro's AWS tool), in any case.
    static func booleanValue(_ value: JSONValue?) -> Bool? {
        guard let value else { return nil }
        if let flag = value.boolValue { return flag }
        switch value.stringValue?.lowercased() {
        case "true"?: return true
        case "false"?: return false
        default: return nil
        }
    }

    /// A text parameter, read as `integerParameter` reads numbers (`--http-tokens optional`
    /// arrives as `["optional"]`).
    static func textParameter(_ parameters: JSONValue, _ name: String) -> String? {
        guard var value = parameter(parameters, name) else { return nil }
        if case .array(let list) = value, list.count == 1 { value = list[0] }
        return value.stringValue
    }

    /// A whole-number parameter. The CLI's reading of `--name VALUE` takes names ending in `s` for
    /// lists (`--reserved-concurrent-executions 0` arrives as `["0"]`), so one element counts.
    static func integerParameter(_ parameters: JSONValue, _ name: String) -> Int? {
        guard var value = parameter(parameters, name) else { return nil }
        if case .array(let list) = value, list.count == 1 { value = list[0] }
        if let integer = value.intValue { return Int(integer) }
        if let number = value.doubleValue { return Int(exactly: number) }
        return value.stringValue.flatMap { Int($0) }
    }

    /// Arguments that scale a service to nothing (`UpdateService` with `DesiredCount` 0): as
    /// destructive as deleting it while it lasts, whatever the operation is called.
    static func scalesToZero(service: String, key: String, parameters: JSONValue) -> String? {
        func isZero(_ name: String) -> Bool { integerParameter(parameters, name) == 0 }
        switch (service, key) {
        case ("ecs", "updateservice") where isZero("DesiredCount"):
            return "`UpdateService` with `DesiredCount` 0 stops every task of the service"
        case ("autoscaling", "updateautoscalinggroup") where isZero("DesiredCapacity") || isZero("MaxSize"),
             ("autoscaling", "setdesiredcapacity") where isZero("DesiredCapacity"):
            return "the Auto Scaling group is scaled to zero instances"
        case ("lambda", "putfunctionconcurrency") where isZero("ReservedConcurrentExecutions"):
            return "`PutFunctionConcurrency` with 0 reserved executions throttles every invocation of the function"
        case ("application-autoscaling", "registerscalabletarget") where isZero("MaxCapacity"):
            return "the scalable target's maximum capacity is set to zero"
        case ("eks", "updatenodegroupconfig"):
            // `--scaling-config minSize=0,maxSize=0,desiredSize=0`; the API spells the keys in lower camel case.
            guard let scaling = parameter(parameters, "ScalingConfig") else { return nil }
            // Looked up as parameters are: any capitalisation, numbers or their text.
            let zero = ["desiredSize", "maxSize"].contains { integerParameter(scaling, $0) == 0 }
            return zero ? "the node group is scaled to zero nodes, which evicts every pod on it" : nil
        default:
            return nil
        }
    }

    /// A log retention shorter than 30 days: CloudWatch deletes the older events once it applies.
    /// A stream's retention decreased: Kinesis stops serving the older records.
    static func shortensRetention(service: String, key: String, parameters: JSONValue) -> String? {
        // Kinesis makes records older than the new period inaccessible at once.
        if service == "kinesis", key == "decreasestreamretentionperiod" {
            return "`DecreaseStreamRetentionPeriod` makes the stream's records older than the new period unreadable"
        }
        guard service == "logs", key == "putretentionpolicy", let days = integerParameter(parameters, "RetentionInDays"), days < 30 else { return nil }
        return "`PutRetentionPolicy` keeps \(days) day\(days == 1 ? "" : "s") of log events; older ones are deleted"
    }

    /// The shell commands of an `ssm:SendCommand` (or a State Manager association, whose
    /// document is its `Name`) that runs `AWS-RunShellScript`: the
    /// `commands` parameter, a list or one string (the CLI's shorthand may leave a JSON list as
    /// text). Nil for any other document, whose content decides what runs, or when the commands
    /// cannot be read.
    static func shellCommands(_ parameters: JSONValue, document: String) -> [String]? {
        guard parameter(parameters, document)?.stringValue == "AWS-RunShellScript",
              let given = parameter(parameters, "Parameters")?["commands"] else { return nil }
        var values: [JSONValue]
        switch given {
        case .array(let list): values = list
        case .string(let text):
            if text.hasPrefix(ascii: "["), case .array(let list)? = try? JSONValue.parse(text) {
                values = list
            } else if text.hasPrefix(ascii: "["), text.hasSuffix("]") {
                // The CLI's shorthand list, `commands=[rm -rf /srv,ls]` once the shell has taken
                // its quotes away: items split at commas outside quotes.
                values = shorthandList(text.dropFirst().dropLast()).map(JSONValue.string)
            } else {
                values = [.string(text)]
            }
        default: return nil
        }
        var commands: [String] = []
        for value in values {
            // `*` is the CLI parser's mark for a value computed at run time.
            guard let text = value.stringValue, text != "*", text != "$?" else { return nil }
            commands.append(text)
        }
        return commands.isEmpty ? nil : commands
    }

    /// The items of a shorthand list's inside, split at commas outside `"…"` and `'…'`, which
    /// are taken away (the AWS CLI's shorthand syntax).
    static func shorthandList(_ inside: Substring) -> [String] {
        var items: [String] = []
        var current = ""
        var quote: Character?
        for character in inside {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "," {
                items.append(current.trimmingEnds { $0 == " " })
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current.trimmingEnds { $0 == " " })
        return items
    }

    /// A top-level parameter by name, ignoring case: the CLI spells `DisableApiTermination` as
    /// `--disable-api-termination`, and its capitalisation of acronyms differs from the API's.
    static func parameter(_ parameters: JSONValue, _ name: String) -> JSONValue? {
        guard let object = parameters.objectValue, !object.isEmpty else { return nil }
        if let exact = object[name] { return exact }
        return object.first { haveSameLookupKey($0.key, name) }?.value
    }

    /// `lookupKey(a) == lookupKey(b)`, compared in place for ASCII names: a call's classification
    /// asks for a handful of parameters, and building the key of every parameter for each one
    /// cost more than the rest of the classification.
    static func haveSameLookupKey(_ a: String, _ b: String) -> Bool {
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            var l: UInt8?
            while let byte = left.next() {
                // Unicode lower-casing can turn a non-ASCII letter into an ASCII one.
                guard byte < 0x80 else { return lookupKey(a) == lookupKey(b) }
                if let key = lookupKeyByte(byte) { l = key; break }
            }
            var r: UInt8?
            while let byte = right.next() {
                guard byte < 0x80 else { return lookupKey(a) == lookupKey(b) }
                if let key = lookupKeyByte(byte) { r = key; break }
            }
            guard l == r else {
                // Non-ASCII text further on may lower-case to letters that realign the keys.
                return (a.utf8.contains { $0 >= 0x80 } || b.utf8.contains { $0 >= 0x80 }) && lookupKey(a) == lookupKey(b)
            }
            if l == nil { return true }
        }
    }

    /// Every parameter whose value a rule here reads to decide an effect (`DesiredCount` 0,
    /// `DeletionProtection` false, a versioning `Status`). The AWS command line's value for one of
    /// these, when known only at run time (a variable, a file not read), leaves the call
    /// `unknown`; `AWSDecidingParametersTests` checks this list against the rules' source.
    public static let decidingParameters: Set<String> = [
        "AdvancedSecurityOptions", "Attribute", "AttributeName", "Attributes", "AuthType", "AuthenticationMode", "BackupPolicy",
        "BackupRetentionPeriod", "BucketLoggingStatus", "BypassGovernanceRetention", "ChangeBatch", "DeletionProtection",
        "DeletionProtectionEnabled", "DesiredCapacity", "DesiredCount", "DisableApiStop", "DisableApiTermination", "DocumentName",
        "DryRun", "Enable", "EnableTerminationProtection", "ExecuteChangeset", "Groups", "HttpTokens", "InstanceInitiatedShutdownBehavior",
        "LegalHold", "MasterUserPassword", "MaxCapacity", "MaxSize", "MultiAZ", "Overwrite", "Parameters", "Password", "Passwords",
        "PointInTimeRecoverySpecification", "PolicyDocument", "PubliclyAccessible", "ReservedConcurrentExecutions", "ResetPolicy",
        "ResourcesVpcConfig", "RetainStacks", "RetentionInDays", "ScalingConfig", "SecretBinary", "SecretString", "SkipFinalSnapshot",
        "SnapshotRetentionLimit", "Targets", "Type", "UserData", "Value", "VersioningConfiguration", "WithDecryption", "Command",
        "Target", "AlarmActions", "OKActions", "InsufficientDataActions", "TimeToLiveSpecification", "LaunchTemplateData", "LaunchSpecification",
    ]

    /// Whether a parameter, however the door spells its name (`DisableAPIStop` from the CLI's
    /// `--disable-api-stop`), is one of `decidingParameters`.
    public static func decidesEffect(_ name: String) -> Bool { decidingParameterKeys.contains(lookupKey(name)) }
    static let decidingParameterKeys = Set(decidingParameters.map(lookupKey))

    /// The S3 operations whose document decides whether a protection goes, by the parameter holding it.
    static let protectionDocuments: [String: String] = [
        "putbucketversioning": "VersioningConfiguration", "putobjectlegalhold": "LegalHold", "putbucketlogging": "BucketLoggingStatus",
    ]

    /// Arguments that switch a protection off, whatever the operation is called.
    static func protectionOff(service: String, key: String, parameters: JSONValue) -> String? {
        func isFalse(_ name: String) -> Bool {
            if let value = parameter(parameters, name) {
                if booleanValue(value) == false { return true }
                if let object = value.objectValue, booleanValue(object["Value"]) == false { return true }
            }
            return false
        }
        if isFalse("DeletionProtection") || isFalse("DeletionProtectionEnabled") { return "`\(key)` turns deletion protection off" }
        if isFalse("DisableApiTermination") && key.hasPrefix("modify") { return "`\(key)` turns termination protection off" }
        if isFalse("DisableApiStop") && key.hasPrefix("modify") { return "`\(key)` turns stop protection off" }
        // Load balancers keep theirs among key-value attributes (`deletion_protection.enabled`).
        // The CLI's shorthand gives one attribute as a structure, several as a list.
        if service == "elasticloadbalancing", key == "modifyloadbalancerattributes", let attributes = parameter(parameters, "Attributes"),
           (attributes.arrayValue ?? [attributes]).contains(where: {
               $0["Key"]?.stringValue == "deletion_protection.enabled" && booleanValue($0["Value"]) == false
           })
        {
            return "`ModifyLoadBalancerAttributes` turns the load balancer's deletion protection off"
        }
        if isFalse("EnableTerminationProtection") { return "turns stack termination protection off" }
        if integerParameter(parameters, "SnapshotRetentionLimit") == 0, key.hasPrefix("modify") {
            return "`\(key)` sets snapshot retention to 0, turning automatic snapshots off"
        }
        if service == "efs", key == "putbackuppolicy", parameter(parameters, "BackupPolicy")?["Status"]?.stringValue?.uppercased() == "DISABLED" {
            return "`PutBackupPolicy` turns the file system's automatic backups off"
        }
        let shutdownBehavior = parameter(parameters, "InstanceInitiatedShutdownBehavior")
        if service == "ec2", key == "modifyinstanceattribute",
           (shutdownBehavior?["Value"] ?? shutdownBehavior)?.stringValue?.lowercased() == "terminate"
            || textParameter(parameters, "Attribute") == "instanceInitiatedShutdownBehavior" && textParameter(parameters, "Value")?.lowercased() == "terminate" {
            return "`ModifyInstanceAttribute` makes a shutdown from inside the instance terminate it, deleting its instance-store data and any volumes set to be deleted"
        }
        if integerParameter(parameters, "BackupRetentionPeriod") == 0 { return "`\(key)` sets backup retention to 0, turning automated backups off" }
        // IMDSv1 answers any request from the instance, so a server-side request forgery can read
        // the instance role's credentials; requiring tokens (IMDSv2) is the protection.
        if service == "ec2", key == "modifyinstancemetadataoptions" || key == "modifyinstancemetadatadefaults",
           textParameter(parameters, "HttpTokens")?.lowercased() == "optional" {
            return "`\(key == "modifyinstancemetadataoptions" ? "ModifyInstanceMetadataOptions" : "ModifyInstanceMetadataDefaults")` makes metadata tokens optional (IMDSv1), so a request forgery on the instance can read its role's credentials"
        }
        if service == "s3", key == "putbucketversioning", let configuration = parameter(parameters, "VersioningConfiguration") {
            if configuration["Status"]?.stringValue?.lowercased() == "suspended" {
                return "`PutBucketVersioning` suspends versioning: overwritten and deleted objects can no longer be recovered"
            }
            if (configuration["MFADelete"] ?? configuration["MfaDelete"])?.stringValue?.lowercased() == "disabled" {
                return "`PutBucketVersioning` turns MFA delete off: versions can be deleted without a second factor"
            }
        }
        // S3 Object Lock: a legal hold taken off, or a retention changed with the governance
        // bypass (needed only to shorten or remove one), lets the object be deleted or overwritten.
        if service == "s3", key == "putobjectlegalhold", parameter(parameters, "LegalHold")?["Status"]?.stringValue?.uppercased() == "OFF" {
            return "`PutObjectLegalHold` takes the legal hold off: the object can be deleted or overwritten"
        }
        if service == "s3", key == "putobjectretention", booleanValue(parameter(parameters, "BypassGovernanceRetention")) == true {
            return "`PutObjectRetention` with BypassGovernanceRetention shortens or removes the object's retention: it can be deleted sooner"
        }
        if service == "s3", key == "putbucketlogging", let status = parameter(parameters, "BucketLoggingStatus"), status["LoggingEnabled"] == nil {
            return "`PutBucketLogging` without `LoggingEnabled` turns the bucket's access logging off"
        }
        if service == "guardduty", key == "updatedetector", isFalse("Enable") {
            return "`UpdateDetector` turns GuardDuty's threat detection off"
        }
        if service == "dynamodb", key == "updatecontinuousbackups", booleanValue(parameter(parameters, "PointInTimeRecoverySpecification")?["PointInTimeRecoveryEnabled"]) == false {
            return "turns point-in-time recovery off"
        }
        return nil
    }

    /// Arguments that open a resource to more callers than before, or hand the caller a
    /// credential, whatever the operation is otherwise taken to do.
    static func opensAccess(service: String, key: String, parameters: JSONValue) -> (String, Set<Category>)? {
        if booleanValue(parameter(parameters, "PubliclyAccessible")) == true {
            return ("`\(key)` makes the database reachable from the internet", [.permissionChange])
        }
        // RDS, Aurora, DocumentDB, Neptune, Redshift: whoever sets the master password knows it,
        // and every client holding the old one is locked out.
        if parameter(parameters, "MasterUserPassword") != nil, key.hasPrefix("modify") {
            return ("`\(key)` sets the database's master password: the caller learns it, and clients using the old one are locked out", [.credentialIssue, .permissionChange])
        }
        // A stored credential overwritten with a value the caller chose: the caller knows the
        // production secret from then on, and whatever used the old one stops working.
        let setsCredential: Bool
        switch (service, key) {
        case ("secretsmanager", "putsecretvalue"), ("secretsmanager", "updatesecret"):
            setsCredential = parameter(parameters, "SecretString") != nil || parameter(parameters, "SecretBinary") != nil
        case ("ssm", "putparameter"):
            setsCredential = textParameter(parameters, "Type") == "SecureString" && booleanValue(parameter(parameters, "Overwrite")) == true
        case ("elasticache", "modifyuser"), ("memorydb", "updateuser"):
            setsCredential = parameter(parameters, "Passwords") != nil || parameter(parameters, "AuthenticationMode")?["Passwords"] != nil
        case ("mq", "updateuser"):
            setsCredential = parameter(parameters, "Password") != nil
        case ("opensearch", "updatedomainconfig"), ("es", "updateelasticsearchdomainconfig"):
            setsCredential = parameter(parameters, "AdvancedSecurityOptions")?["MasterUserOptions"]?["MasterUserPassword"] != nil
        default:
            setsCredential = false
        }
        if setsCredential {
            return ("`\(key)` overwrites a stored credential with a value the caller chose: the caller learns it, and what used the old one stops working", [.credentialIssue])
        }
        // Resource policies, by whatever name the service gives them: who else may use the resource.
        if isResourcePolicyChange(key) || service == "sns" && key == "settopicattributes" && textParameter(parameters, "AttributeName") == "Policy"
            || service == "sqs" && key == "setqueueattributes" && parameter(parameters, "Attributes")?["Policy"] != nil {
            return ("`\(key)` changes the resource's policy, which decides who else may use it", [.permissionChange])
        }
        if service == "lambda", key == "createfunctionurlconfig" || key == "updatefunctionurlconfig",
           textParameter(parameters, "AuthType")?.uppercased() == "NONE" {
            return ("the function URL takes no authentication: anyone who finds it can invoke the function", [.permissionChange])
        }
        if service == "eks", key == "updateclusterconfig",
           booleanValue(parameter(parameters, "ResourcesVpcConfig")?["endpointPublicAccess"]) == true {
            return ("`UpdateClusterConfig` opens the cluster's API endpoint to the internet", [.permissionChange])
        }
        if service == "ec2", key == "modifyinstanceattribute", parameter(parameters, "Groups") != nil || textParameter(parameters, "Attribute") == "groupSet" {
            return ("`ModifyInstanceAttribute` replaces the instance's security groups, which decide what traffic reaches it", [.permissionChange])
        }
        if service == "ec2", key == "createnetworkaclentry" || key == "replacenetworkaclentry" {
            return ("`\(key == "createnetworkaclentry" ? "CreateNetworkAclEntry" : "ReplaceNetworkAclEntry")` changes which traffic the subnets admit", [.permissionChange])
        }
        if service == "ec2", key == "modifyvpcendpoint", parameter(parameters, "PolicyDocument") != nil || booleanValue(parameter(parameters, "ResetPolicy")) == true {
            return ("`ModifyVpcEndpoint` changes the endpoint's policy, which decides what may be reached through it", [.permissionChange])
        }
        return nil
    }

    /// `PutResourcePolicy` (CloudWatch Logs, DynamoDB, Kinesis, Glue, CodeBuild …),
    /// `PutPermission`/`AddPermission` (EventBridge, SNS, SQS), `ModifyDocumentPermission` (SSM
    /// documents shared), `Update…Permissions` (QuickSight), `GrantPermissions` (Lake Formation),
    /// `SetVaultAccessPolicy`, `PutBackupVaultAccessPolicy`, `PutFileSystemPolicy`,
    /// `PutAccessPointPolicy`, `PutRegistryPolicy`, CodeArtifact's `Put…PermissionsPolicy`.
    static func isResourcePolicyChange(_ key: String) -> Bool {
        guard key.hasPrefix("put") || key.hasPrefix("set") || key.hasPrefix("add") || key.hasPrefix("update") || key.hasPrefix("modify") || key.hasPrefix("grant") else { return false }
        return key.hasSuffix("resourcepolicy") || key.hasSuffix("accesspolicy") || key.hasSuffix("permissionspolicy")
            || key.hasSuffix("permission") || key.hasSuffix("permissions")
            || ["putfilesystempolicy", "putaccesspointpolicy", "putmultiregionaccesspointpolicy", "putregistrypolicy"].contains(key)
    }

    static let teardownOperations: Set<String> = [
        "deletestack", "deletecluster", "deletedbcluster", "deleteenvironment", "deletevpc", "deletestackset", "deleteapplication",
        "deletenodegroup", "deleteservice", "deletedomain", "deletehostedzone", "deletereplicationgroup", "deletecachecluster",
        // An environment, app, cluster or provisioned product by another name, and the stacks of
        // a stack set in its accounts.
        "terminateenvironment", "deleteapp", "terminatejobflows", "terminateprovisionedproduct", "deletestackinstances",
        "deleterestapi", "deleteapi", "deletegraphqlapi", "deletedatabase", "deleterelationaldatabase", "deletekeyspace",
    ]
    static let dataLossOperations = [
        "deletedbinstance", "deletedbcluster", "deletetable", "deletebucket", "deleteobject", "deletevolume", "deletefilesystem",
        "deletesnapshot", "deletedbsnapshot", "deletebackup", "deletesecret", "deletequeue", "deletestream", "deletelog", "terminateinstances",
        "deleteitem", "deletecluster", "deleterepository", "deleteimage", "deletehostedzone", "deletekey", "deleteindex",
    ]
    /// Whole names, where a prefix would take in more (`DeleteDomainName` is an API's custom
    /// domain, `DeleteGraphqlApi` no graph database).
    static let dataLossExactOperations: Set<String> = [
        "deletedatabase", "deleterelationaldatabase", "deletekeyspace", "deletecollection", "deletedomain", "deleteledger",
        "deletereplicationgroup", "deletecachecluster", "deleterecoverypoint", "deletearchive", "deletefilecache", "deletegraph",
        "purgequeue", "terminatejobflows", "deletedisk", "deletedisksnapshot", "deletestackinstances",
    ]

    /// Account ids named by ARNs in the parameters (`arn:aws:iam::123456789012:role/x`): the
    /// account a call reaches into, for environment resolution.
    public static func accounts(in parameters: JSONValue) -> [String] {
        var out: [String] = []
        func visit(_ value: JSONValue) {
            switch value {
            case .string(let text) where text.hasPrefix("arn:"):
                let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                if parts.count >= 5, parts[4].count == 12, parts[4].allSatisfy(\.isNumber), !out.contains(String(parts[4])) { out.append(String(parts[4])) }
            case .array(let items): items.forEach(visit)
            case .object(let members): members.keys.sorted().forEach { visit(members[$0]!) }
            default: break
            }
        }
        visit(parameters)
        return out
    }

    // MARK: Targets

    /// Parameter names that identify what a call acts on.
    static func isIdentifierKey(_ name: String) -> Bool {
        let lower = name.lowercased()
        if ["bucket", "key", "queueurl", "topicarn", "stackname", "tablename", "functionname", "rolename", "username", "groupname", "policyarn", "clustername", "cluster", "service", "repositoryname", "secretid", "keyid", "loggroupname", "streamname", "hostedzoneid", "filesystemid"].contains(lower) { return true }
        return lower.hasSuffix("id") || lower.hasSuffix("ids") || lower.hasSuffix("identifier") || lower.hasSuffix("identifiers") || lower.hasSuffix("arn") || lower.hasSuffix("arns") || lower.hasSuffix("name") || lower.hasSuffix("names")
    }

    /// Targets named by the parameters, whether the list is complete, and how many there are.
    static func targetsAndRadius(service: String, key: String, parameters: JSONValue) -> ([String], Bool, Int) {
        guard let object = parameters.objectValue else { return ([], true, 0) }
        var targets: [String] = []
        var complete = true
        for name in object.keys.sorted() {
            let value = object[name]!
            if name == "Filters" || name == "Filter" || name == "Prefix" { complete = false }
            guard isIdentifierKey(name) else { continue }
            switch value {
            case .string(let text):
                if text.contains("*") { complete = false }
                targets.append(service == "s3" && name == "Key" ? "\(object["Bucket"]?.stringValue ?? "?")/\(text)" : text)
            case .array(let items):
                for item in items {
                    if let text = item.stringValue {
                        if text.contains("*") { complete = false }
                        targets.append(text)
                    }
                }
            default:
                break
            }
        }
        // S3 batch delete: `Delete.Objects[].Key`.
        if let objects = object["Delete"]?["Objects"]?.arrayValue {
            let bucket = object["Bucket"]?.stringValue ?? "?"
            targets.removeAll { $0 == bucket }
            for item in objects { if let keyName = item["Key"]?.stringValue { targets.append("\(bucket)/\(keyName)") } }
        }
        // A batch delete whose keys cannot be read deletes objects no one has named.
        if service == "s3", key == "deleteobjects", object["Delete"]?["Objects"]?.arrayValue == nil { complete = false }
        // Removing a bucket, key pair dedupe: S3 calls name the bucket and the key separately.
        if service == "s3", object["Key"] != nil, let bucket = object["Bucket"]?.stringValue { targets.removeAll { $0 == bucket } }
        return (targets, complete, targets.count)
    }
}
