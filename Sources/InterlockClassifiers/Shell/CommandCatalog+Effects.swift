import InterlockCore
import InterlockSyntax

/// Commands whose effect depends on their arguments: deletion, overwrite, permissions, services,
/// containers, packages, databases, version control and infrastructure.
extension ShellAnalysis {

    /// Command names, each to its entry in the switch below: one hash lookup instead of comparing
    /// against every name in turn.
    enum CataloguedCommand {
        case rm, rmdir, truncate, dd, mkfs, mv, cp, scp, ln, touch, tee, sort, sed, awk, yq, tar, unzip, zip, chattr, chmod, setfacl, getfacl, systemctl, service, kill, shutdown, crontab, iptables, docker, dockerCompose, apt, psql, gitCommand, gh, aws, curl, wget, nc, make, swift, vi, ip, interlock, agent, httpie, hostStorage
    }

    /// Tools of the `.zip` family whose operands are not files.
    static let systemSettingTools: Set<String> = ["hostname", "timedatectl", "localectl", "hostnamectl", "sysctl", "locale-gen", "update-alternatives", "at", "batch"]

    static let cataloguedCommands: [String: CataloguedCommand] = [
        "rm": .rm, "grm": .rm, "rimraf": .rm,
        "rmdir": .rmdir, "unlink": .rmdir, "shred": .rmdir, "srm": .rmdir, "wipe": .rmdir,
        "truncate": .truncate,
        "dd": .dd,
        "mkfs": .mkfs, "mke2fs": .mkfs, "mkswap": .mkfs, "wipefs": .mkfs, "fdisk": .mkfs, "sfdisk": .mkfs, "cfdisk": .mkfs, "parted": .mkfs, "gdisk": .mkfs, "sgdisk": .mkfs, "blkdiscard": .mkfs, "mkdosfs": .mkfs,
        "mv": .mv, "gmv": .mv,
        "cp": .cp, "gcp": .cp, "install": .cp,
        "scp": .scp, "rsync": .scp,
        "ln": .ln,
        "touch": .touch, "mkdir": .touch, "mktemp": .touch, "mkfifo": .touch, "mknod": .touch,
        "tee": .tee, "sponge": .tee,
        "sort": .sort,
        "sed": .sed, "gsed": .sed,
        "awk": .awk, "gawk": .awk, "mawk": .awk, "nawk": .awk,
        "yq": .yq,
        "tar": .tar, "gtar": .tar, "bsdtar": .tar,
        "unzip": .unzip,
        "zip": .zip, "gzip": .zip, "gunzip": .zip, "bzip2": .zip, "bunzip2": .zip, "xz": .zip, "unxz": .zip, "zstd": .zip, "unzstd": .zip, "lz4": .zip, "7z": .zip, "7za": .zip, "split": .zip, "csplit": .zip, "patch": .zip, "ssh-keygen": .zip, "ssh-add": .zip, "ssh-copy-id": .zip, "at": .zip, "batch": .zip, "ldconfig": .zip, "update-alternatives": .zip, "locale-gen": .zip, "hostname": .zip, "timedatectl": .zip, "localectl": .zip, "hostnamectl": .zip, "sysctl": .zip, "insmod": .zip,
        "chattr": .chattr,
        "chmod": .chmod, "chown": .chmod, "chgrp": .chmod,
        "setfacl": .setfacl, "passwd": .setfacl, "usermod": .setfacl, "userdel": .setfacl, "groupdel": .setfacl, "groupmod": .setfacl, "deluser": .setfacl, "delgroup": .setfacl, "gpasswd": .setfacl, "chpasswd": .setfacl, "chage": .setfacl, "useradd": .setfacl, "adduser": .setfacl, "groupadd": .setfacl, "addgroup": .setfacl, "visudo": .setfacl, "vipw": .setfacl, "vigr": .setfacl, "chsh": .setfacl, "chfn": .setfacl, "pwck": .setfacl, "newusers": .setfacl,
        "getfacl": .getfacl, "lsattr": .getfacl, "namei": .getfacl,
        "systemctl": .systemctl,
        "service": .service,
        "kill": .kill, "pkill": .kill, "killall": .kill, "skill": .kill, "xkill": .kill, "killall5": .kill,
        "shutdown": .shutdown, "reboot": .shutdown, "halt": .shutdown, "poweroff": .shutdown, "telinit": .shutdown, "init": .shutdown,
        "crontab": .crontab,
        "iptables": .iptables, "ip6tables": .iptables, "iptables-restore": .iptables, "ip6tables-restore": .iptables, "nft": .iptables, "ufw": .iptables, "firewall-cmd": .iptables, "pfctl": .iptables,
        "docker": .docker, "podman": .docker, "nerdctl": .docker,
        "docker-compose": .dockerCompose, "podman-compose": .dockerCompose,
        "apt": .apt, "apt-get": .apt, "aptitude": .apt, "dpkg": .apt, "yum": .apt, "dnf": .apt, "microdnf": .apt, "zypper": .apt, "apk": .apt, "pacman": .apt, "brew": .apt, "snap": .apt, "flatpak": .apt, "pip": .apt, "pip3": .apt, "pipx": .apt, "uv": .apt, "npm": .apt, "pnpm": .apt, "yarn": .apt, "gem": .apt, "cargo": .apt, "go": .apt, "composer": .apt, "conda": .apt, "mamba": .apt, "poetry": .apt, "port": .apt, "nix-env": .apt,
        "psql": .psql, "mysql": .psql, "mariadb": .psql, "sqlite3": .psql, "sqlite": .psql, "mongo": .psql, "mongosh": .psql, "redis-cli": .psql, "pg_dump": .psql, "pg_dumpall": .psql, "mysqldump": .psql, "dropdb": .psql, "createdb": .psql, "dropuser": .psql, "createuser": .psql, "pg_restore": .psql, "mongodump": .psql, "mongorestore": .psql, "mysqladmin": .psql, "pg_ctl": .psql, "cqlsh": .psql,
        "clickhouse-client": .psql, "clickhouse": .psql, "cockroach": .psql, "duckdb": .psql, "snowsql": .psql, "trino": .psql, "presto": .psql, "usql": .psql, "mycli": .psql, "litecli": .psql, "sqlcmd": .psql,
        "git": .gitCommand,
        "gh": .gh,
        "aws": .aws, "kubectl": .aws, "oc": .aws, "helm": .aws, "terraform": .aws, "tofu": .aws, "pulumi": .aws, "cdk": .aws, "gcloud": .aws, "az": .aws, "eksctl": .aws, "kustomize": .aws, "terragrunt": .aws, "ansible-playbook": .aws, "ansible": .aws,
        "gsutil": .aws, "bq": .aws, "doctl": .aws, "heroku": .aws, "flyctl": .aws, "fly": .aws, "vercel": .aws, "netlify": .aws, "railway": .aws,
        "hcloud": .aws, "linode-cli": .aws, "scw": .aws, "oci": .aws, "ibmcloud": .aws, "aliyun": .aws, "firebase": .aws, "wrangler": .aws, "serverless": .aws, "sls": .aws,
        "s3cmd": .aws, "rclone": .aws, "sam": .aws, "cdktf": .aws, "copilot": .aws, "vault": .aws, "consul": .aws, "nomad": .aws, "etcdctl": .aws,
        "argocd": .aws, "flux": .aws, "velero": .aws, "istioctl": .aws, "kops": .aws, "k3d": .aws, "kind": .aws, "minikube": .aws, "vagrant": .aws,
        "skaffold": .aws, "tilt": .aws, "garden": .aws, "amplify": .aws, "cf": .aws, "openstack": .aws, "exoscale": .aws, "civo": .aws,
        "vultr-cli": .aws, "upctl": .aws, "nats": .aws, "rabbitmqctl": .aws, "rabbitmqadmin": .aws, "influx": .aws, "crictl": .aws, "ctr": .aws,
        "virsh": .aws, "pscale": .aws, "neonctl": .aws, "turso": .aws, "aws-nuke": .aws, "cloud-nuke": .aws, "azure-nuke": .aws, "gcp-nuke": .aws,
        "kafka-topics": .aws, "kafka-topics.sh": .aws, "kafka-consumer-groups": .aws, "kafka-consumer-groups.sh": .aws, "kafka-configs": .aws,
        "kafka-configs.sh": .aws, "kafka-acls": .aws, "kafka-acls.sh": .aws, "kafka-delete-records": .aws, "kafka-delete-records.sh": .aws,
        "curl": .curl,
        "http": .httpie, "https": .httpie, "xh": .httpie, "xhs": .httpie,
        "interlock": .interlock, "interlock-hook": .interlock,
        "claude": .agent, "kiro-cli": .agent, "cursor-agent": .agent, "codex": .agent, "gemini": .agent, "aider": .agent, "opencode": .agent, "qwen": .agent, "crush": .agent,
        "ip": .ip, "ifconfig": .ip, "ifdown": .ip, "ifup": .ip, "route": .ip, "nmcli": .ip,
        "wget": .wget,
        "nc": .nc, "ncat": .nc, "netcat": .nc, "socat": .nc, "telnet": .nc, "ftp": .nc, "sftp": .nc, "lftp": .nc, "tftp": .nc,
        "make": .make, "gmake": .make, "cmake": .make, "ninja": .make, "gradle": .make, "gradlew": .make, "mvn": .make, "ant": .make, "bazel": .make, "buck": .make, "just": .make, "task": .make, "go-task": .make, "rake": .make, "tox": .make, "nox": .make, "pytest": .make, "jest": .make, "vitest": .make, "mocha": .make, "rspec": .make, "phpunit": .make, "npx": .make, "bunx": .make, "uvx": .make, "pnpx": .make, "dotnet": .make, "ctest": .make, "meson": .make, "scons": .make, "invoke": .make,
        "swift": .swift, "rustc": .swift, "gcc": .swift, "g++": .swift, "cc": .swift, "clang": .swift, "clang++": .swift, "javac": .swift, "tsc": .swift, "esbuild": .swift, "webpack": .swift, "vite": .swift, "rollup": .swift, "zig": .swift, "ghc": .swift, "kotlinc": .swift,
        "vi": .vi, "vim": .vi, "nvim": .vi, "nano": .vi, "emacs": .vi, "pico": .vi, "ed": .vi, "ex": .vi, "code": .vi, "subl": .vi, "open": .vi, "xdg-open": .vi, "screen": .vi, "tmux": .vi, "script": .vi, "expect": .vi,
    ]

    /// `command` is the name's entry in `cataloguedCommands`, looked up by the caller.
    mutating func classifyCatalogued(_ name: String, _ args: [Argument], stdin: StandardInput, _ command: CataloguedCommand?) {
        let op = "shell:" + name
        switch command {
        // MARK: Deletion and overwrite
        case .rm:
            let options = CommandOptions(args, valued: ["--interactive"])
            let recursive = name == "rimraf" || options.has("-r", "-R", "--recursive")
            add(op, .destructive, targets: options.operands, blastRadius: recursive ? .unknown : nil, categories: [.dataLoss],
                "`\(name)\(recursive && name != "rimraf" ? " -r" : "")` deletes \(Self.list(options.operands))\(recursive ? " and everything below" : "")")
        case .rmdir:
            let options = CommandOptions(args, valued: ["-n", "--iterations", "-s", "--size", "--random-source"])
            add(op, .destructive, targets: options.operands, categories: [.dataLoss], "`\(name)` destroys \(Self.list(options.operands))")
        case .truncate:
            let options = CommandOptions(args, valued: ["-s", "--size", "-r", "--reference"])
            add(op, .destructive, targets: options.operands, categories: [.dataLoss], "`truncate` cuts \(Self.list(options.operands)) to a new size")
        case .dd:
            let output = args.first { $0.value?.hasPrefix("of=") == true }
            guard let output, let path = output.value?.dropFirst(3) else {
                add(op, .read, "`dd` without `of=` writes to standard output")
                return
            }
            // `conv=notrunc` keeps the file's length but still writes over it from `seek=` on;
            // only `oflag=append` with it adds at the end (without it, dd empties the file first).
            let notrunc = args.contains { $0.value?.hasPrefix("conv=") == true && $0.value!.containsASCII("notrunc") }
            let appends = notrunc && args.contains { $0.value?.hasPrefix("oflag=") == true && $0.value!.containsASCII("append") }
            classifyWrite(to: Argument(value: String(path), display: String(path)), truncates: !notrunc, inPlace: notrunc && !appends, by: "`dd of=`", operation: op)
        case .mkfs:
            let options = CommandOptions(args, valued: ["-t", "-L", "-b", "-n", "-c", "-o", "-E", "-O", "-T", "-U"])
            if name == "fdisk" || name == "parted" || name == "sfdisk", options.has("-l", "--list") || args.contains(where: { $0.value == "print" }) {
                add(op, .read, "lists partitions")
                return
            }
            add(op, .destructive, targets: options.operands, blastRadius: .unknown, categories: [.dataLoss], "`\(name)` erases or repartitions \(Self.list(options.operands))")
        case _ where name.hasPrefix("mkfs."):
            let options = CommandOptions(args, valued: ["-t", "-L", "-b", "-n", "-c", "-E", "-O", "-T", "-U", "-m"])
            add("shell:mkfs", .destructive, targets: options.operands, blastRadius: .unknown, categories: [.dataLoss], "`\(name)` formats \(Self.list(options.operands)), erasing it")
        case .hostStorage:
            classifyHostStorage(name, args)
        case .mv:
            classifyMoveOrCopy(name, args, copy: false)
        case .cp:
            classifyMoveOrCopy(name, args, copy: true)
        case .scp:
            let options = CommandOptions(args, valued: ["-e", "--rsh", "-i", "-P", "-o", "-F", "-l", "-c", "-J", "-S", "--exclude", "--include",
                                                        "--filter", "-f", "--exclude-from", "--include-from", "--files-from", "--backup-dir",
                                                        "--suffix", "--chmod", "--chown", "--rsync-path", "--log-file", "--password-file", "-T"])
            // `host:path` and `user@host:path` are on another machine: named as written, never
            // resolved against the working directory.
            let operands = options.operands.map { argument -> Argument in
                guard let value = argument.value, let colon = value.firstIndex(of: ":"), colon != value.startIndex,
                      !value[..<colon].contains("/") else { return argument }
                return .runtime(value)
            }
            let destination = operands.last.map { [$0] } ?? []
            if options.flags.contains(where: { $0.hasPrefix("--delete") || $0 == "--remove-source-files" }) {
                // `--delete` removes at the destination only; the sources lose files only with `--remove-source-files`.
                let changed = destination + (options.has("--remove-source-files") ? Array(operands.dropLast()) : [])
                add(op, .destructive, targets: changed, blastRadius: .unknown, categories: [.dataLoss],
                    "`\(name)` with `--delete` removes files at \(Self.list(destination)) that the source lacks")
            } else if options.has("-n", "--dry-run", "--list-only") {
                add(op, .read, "a dry run")
            } else if let target = destination.first, target.value != nil, operands.count == 2, pathKind(target) == .file {
                // One source onto a file that exists here: replaced, as `cp` replaces it.
                add(op, .destructive, targets: [target], categories: [.dataLoss], "`\(name)` replaces the existing file `\(target.text)`")
            } else {
                // A recursive copy lands whatever the source directory holds.
                let recursive = options.has("-r", "--recursive", "-a", "--archive")
                add(op, .write, targets: destination, blastRadius: recursive ? .unknown : nil,
                    "`\(name)` copies files to \(Self.list(destination)), replacing ones that differ")
            }
        case .ln:
            let options = CommandOptions(args, valued: ["-t", "--target-directory", "-S", "--suffix"])
            let link = options.operands.count >= 2 ? options.operands.last! : (options.operands.first.map { Argument.known(Paths.basename($0.text)) } ?? .known("?"))
            noteCodeThatRunsLater([link], operation: op, intoDirectory: pathKind(link) == .directory)
            if options.has("-f", "--force"), pathKind(link) != .missing {
                add(op, .destructive, targets: [link], categories: [.dataLoss], "`ln -f` replaces `\(link.text)`")
            } else {
                add(op, .write, targets: [link], "`ln` creates the link `\(link.text)`")
            }
            // A link the line makes is followed by what comes after it on the line (`ln -s
            // /srv/prod /tmp/x && rm -rf /tmp/x/`). Into an existing directory (without `-n`/`-T`),
            // the link is made inside it under the target's name.
            // A hard link is another name for the same file: what is done to it is done to the
            // original, so it is followed like a link to the original's absolute path.
            if options.operands.count == 2, options.value("-t", "--target-directory") == nil,
               let target = options.operands[0].value, let linkValue = link.value, !link.isPattern, let linkPath = absolutePath(linkValue) {
                let inside = pathKind(link) == .directory && !options.has("-n", "--no-dereference", "-T", "--no-target-directory")
                if let held = options.has("-s", "--symbolic") ? target : absolutePath(target) {
                    linksMade.append((inside ? linkPath + "/" + Paths.basename(target) : linkPath, held))
                }
            }
        case .touch:
            // Each program's own options that take a value: `mkdir -p` takes none, `mktemp -p` does.
            let valued: [StaticString] = switch name {
            case "touch": ["-d", "--date", "-r", "--reference", "-t"]
            case "mktemp": ["-p", "--tmpdir", "--suffix"]
            default: ["-m", "--mode"]
            }
            let options = CommandOptions(args, valued: valued)
            // `mknod NAME TYPE MAJOR MINOR` creates one file.
            let created = name == "mktemp" ? [] : name == "mknod" ? Array(options.operands.prefix(1)) : options.operands
            add(op, .write, targets: created, name == "mktemp" ? "`mktemp` creates a new temporary file or directory" : "`\(name)` creates \(Self.list(created))")
        case .tee:
            let options = CommandOptions(args, valued: ["--output-error"])
            if options.operands.isEmpty {
                add(op, .read, "`\(name)` without files copies input to output")
            }
            for file in options.operands { classifyWrite(to: file, truncates: !options.has("-a", "--append"), by: "`\(name)`", operation: op) }
        case .sort:
            let options = CommandOptions(args, valued: ["-o", "--output", "-k", "--key", "-t", "--field-separator", "-S", "--buffer-size", "-T",
                                                        "--temporary-directory", "--parallel", "--batch-size", "--files0-from", "--sort", "--random-source", "--compress-program"])
            if let output = options.value("-o", "--output") {
                classifyWrite(to: .known(output), truncates: true, by: "`sort -o`", operation: op)
            } else {
                add(op, .read, "`sort` prints")
            }
        case .sed:
            classifySed(name, args)
        case .awk:
            classifyAwk(name, args)
        case .yq:
            let options = CommandOptions(args, valued: ["-o", "--output-format", "-p", "--input-format", "--indent", "-I", "--expression"])
            if options.has("-i", "--inplace") {
                add(op, .write, targets: Array(options.operands.dropFirst()), "`yq -i` edits files in place")
            } else {
                add(op, .read, "`yq` prints")
            }
        case .tar:
            classifyTar(name, args)
        case .unzip:
            let options = CommandOptions(args, valued: ["-d", "-x", "-P"])
            if options.has("-l", "-t", "-v", "-Z", "-z", "-p", "-c") {
                add(op, .read, "`unzip` lists or tests the archive")
            } else if options.has("-o") {
                add(op, .destructive, targets: [options.valueArguments("-d").last?.argument ?? .known(".")], blastRadius: .unknown, categories: [.dataLoss],
                    "`unzip -o` overwrites existing files without asking")
            } else {
                add(op, .write, targets: [options.valueArguments("-d").last?.argument ?? .known(".")], blastRadius: .unknown,
                    "`unzip` extracts files, asking before it replaces one")
            }
        case .zip:
            // `zip -TT CMD` runs CMD to test the archive; the archive is still written below.
            if name == "zip" { _ = classifySideEffectOptions(name, args, stdin: stdin) }
            let options = CommandOptions(args)
            if ["gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "zstd", "unzstd"].contains(name),
                      options.has("-c", "--stdout", "-l", "--list", "-t", "--test") || options.operands.allSatisfy({ $0.value == "-" })
            {
                // Without files (or with `-`), a compressor filters standard input to standard output.
                add(op, .read, "`\(name)` writes to standard output")
            } else if let suffixes = Self.compressorSuffixes[name] {
                classifyCompressor(name, suffixes: suffixes, args)
            } else if ["hostname", "timedatectl", "localectl", "hostnamectl", "sysctl"].contains(name), options.operands.isEmpty || args.first?.value == "status" || options.has("-a") && name == "sysctl" {
                add(op, .read, "`\(name)` prints settings")
            } else if name == "ssh-keygen", options.has("-l", "-y", "-F") {
                add(op, .read, "`ssh-keygen` reads a key")
            } else if name == "insmod" {
                // A module file from anywhere: its code runs in the kernel. (`modprobe` loads the
                // system's own modules by name.)
                unknown(op, "`insmod` loads a kernel module from a file: its code runs in the kernel", opaque: true)
            } else if name == "patch" {
                classifyPatchCommand(args, stdin: stdin)
            } else if name == "7z" || name == "7za" {
                classify7z(name, args)
            } else if name == "ssh-copy-id" {
                add(op, .destructive, names: options.operands, categories: [.permissionChange], "`ssh-copy-id` adds a key to the remote account's authorized_keys, so its holder may log in")
            } else if Self.systemSettingTools.contains(name) {
                // Settings, modules, names and times, not files.
                add(op, .write, names: options.operands, "`\(name)` changes system state")
            } else {
                add(op, .write, targets: options.operands, "`\(name)` changes files or system state")
            }
        case .chattr:
            if args.contains(where: { $0.value?.hasPrefix(ascii: "-") == true && $0.value!.containsASCII("i") || $0.value == "-a" }) {
                add(op, .destructive, targets: Array(args.dropFirst()), categories: [.protectionOff], "`chattr -i` removes a file's immutability")
            } else {
                add(op, .write, targets: Array(args.dropFirst()), "`chattr` changes file attributes")
            }

        // MARK: Permissions and accounts
        case .chmod:
            // `chmod -x FILE`, `chmod -w,+r FILE`: a mode that starts with `-` is the mode, not
            // options, and every operand is then a file.
            let dashMode = name == "chmod" ? Self.dashModeIndex(args) : nil
            var rest = args
            if let dashMode { rest.remove(at: dashMode) }
            let options = CommandOptions(rest, valued: ["--reference", "--from"])
            let operands = options.operands
            let files = Array(operands.dropFirst(options.value("--reference") == nil && dashMode == nil ? 1 : 0))
            let mode = dashMode.map { args[$0].value } ?? operands.first?.value
            if options.has("-R", "--recursive") {
                add(op, .destructive, targets: files, blastRadius: .unknown, categories: [.permissionChange],
                    "`\(name) -R` changes permissions of \(Self.list(files)) and everything below")
            } else if name == "chmod", let mode, Self.setsUserOrGroupID(mode) {
                add(op, .destructive, targets: files, categories: [.permissionChange],
                    "`chmod \(mode)` makes \(Self.list(files)) run with its owner's or group's rights, whoever starts it")
            } else {
                add(op, .write, targets: files, categories: [.permissionChange], "`\(name)` changes permissions of \(Self.list(files))")
            }
        case .setfacl:
            let options = CommandOptions(args, valued: ["-m", "-x", "-M", "-X", "-g", "-G", "-s", "-d", "-u", "-c", "-e", "-f", "-k", "-p", "-l", "-a"])
            if name == "passwd", options.has("-S", "--status") {
                add(op, .read, "shows password status")
                return
            }
            let destroys = ["userdel", "groupdel", "deluser", "delgroup"].contains(name)
            // setfacl's operands are files; the others name users and groups.
            if name == "setfacl" {
                add(op, .destructive, targets: options.operands, categories: [.permissionChange], "`setfacl` changes who may use \(Self.list(options.operands))")
            } else {
                add(op, .destructive, names: options.operands, categories: destroys ? [.permissionChange, .dataLoss] : [.permissionChange],
                    "`\(name)` changes accounts, groups or permissions")
            }
        case .getfacl:
            add(op, .read, "`\(name)` only reads")

        // MARK: Services and processes
        case .systemctl:
            classifySystemctl(args)
        case .service:
            let options = CommandOptions(args)
            let action = options.operands.count >= 2 ? options.operands[1].text : (options.has("--status-all") ? "status" : "")
            let unit = options.operands.first.map { [$0] } ?? []
            switch action {
            case "stop", "disable", "force-stop", "kill", "uninstall": add(op + ":" + action, .destructive, names: unit, "stops the service \(Self.list(unit))")
            case "start", "restart", "reload", "force-reload", "try-restart", "condrestart", "enable": add(op + ":" + action, .write, names: unit, "`service \(action)` \(Self.list(unit))")
            case "status", "": add(op, .read, "shows service status")
            default: unknown(op, "`service ... \(action)` is not catalogued")
            }
        case .kill:
            if args.contains(where: { $0.value == "-l" || $0.value == "-L" || $0.value == "-0" || $0.value == "--list" }) {
                add(op, .read, "`\(name)` lists signals or tests a process")
            } else {
                let options = CommandOptions(args, valued: ["-s", "--signal", "-u", "-U", "-g", "-G", "-t", "-P", "-n"])
                add(op, .destructive, names: options.operands, "`\(name)` terminates processes \(Self.list(options.operands))")
            }
        case .shutdown:
            if name == "shutdown", args.contains(where: { $0.value == "-c" }) {
                add(op, .write, "cancels a scheduled shutdown")
            } else if name == "init" || name == "telinit", let level = args.first?.value, !["0", "6", "1", "s", "S"].contains(level) {
                add(op, .write, "changes run level")
            } else {
                add(op, .destructive, categories: [.teardown], "`\(name)` stops or restarts the machine")
            }
        case .crontab:
            let options = CommandOptions(args, valued: ["-u"])
            if options.has("-r") {
                add(op, .destructive, categories: [.dataLoss], "`crontab -r` deletes every scheduled job")
            } else if options.has("-l") {
                add(op, .read, "lists scheduled jobs")
            } else if options.has("-e") {
                unknown(op, "`crontab -e` opens an editor on scheduled jobs")
            } else {
                add(op, .destructive, targets: options.operands, categories: [.dataLoss], "`crontab FILE` replaces every scheduled job")
            }
        case .iptables:
            classifyFirewall(name, args)

        // MARK: Containers
        case .docker:
            classifyContainerCLI(name, args, stdin: stdin)
        case .dockerCompose:
            classifyCompose(name, args)

        // MARK: Packages
        case .apt:
            classifyPackageManager(name, args, stdin: stdin)

        // MARK: Databases
        case .psql:
            classifyDatabaseCLI(name, args, stdin: stdin)

        // MARK: Version control
        case .gitCommand:
            let values = args.map { $0.value }
            for finding in GitCommand.classify(values, displays: args.map(\.display)) {
                findings.append(finding)
            }
            // Commands git's configuration on this line makes it run (`-c core.pager=…`, an alias
            // defined with `-c` and called) or stores for later (`git config alias.x '!…'`).
            for (setting, command) in GitCommand.configuredShellCommands(values) {
                analyzeText(command, origin: "the command git's `\(setting)` names")
            }
            if let (sub, rest, directory) = GitCommand.invocation(values) {
                // Commands the subcommand runs as it goes (`submodule foreach`, `bisect run`,
                // `rebase -x`, `difftool -x`), when the line spells them out.
                if !values.contains(where: { $0 == nil }) {
                    for (what, command) in GitCommand.commandsRun(subcommand: sub, arguments: rest) {
                        analyzeText(command, origin: "the command `\(what)` runs")
                    }
                }
                for file in GitCommand.replacedFiles(subcommand: sub, arguments: rest) {
                    classifyWrite(to: .known(file), truncates: true, by: "`git` writing `\(file)`", operation: "git:output_file")
                }
                // The repository is looked for once: for the hooks the subcommand runs, and for
                // the remote settings a push obeys.
                let hooks = GitCommand.hooks(runBy: sub, arguments: rest)
                if !hooks.isEmpty {
                    let repository = locateRepository(from: directory)
                    classifyGitHooks(sub, hooks, in: repository)
                    if sub == "push" { classifyGitPushConfiguration(rest, in: repository) }
                }
                // `git diff --no-index A B` prints two files, whatever repository there is.
                if sub == "diff", rest.contains("--no-index") { noteCredentialReads(rest.filter { !$0.hasPrefix(ascii: "-") }.map(Argument.known), by: "git diff --no-index") }
                if sub == "apply" || sub == "am" {
                    classifyGitPatch(sub, rest, stdin: stdin)
                }
            }

        case .gh:
            findings.append(contentsOf: GitHubCommand.classify(args.map(\.value), displays: args.map(\.display)))

        // MARK: Infrastructure
        case .interlock:
            findings.append(contentsOf: InterlockCommandLine.classify(tool: name, args.map(\.value)))
        case .agent:
            findings.append(contentsOf: AgentCommandLine.classify(tool: name, args.map(\.value)))
        case .httpie:
            classifyHTTPie(name, args)
        case .aws:
            // Tools read some of their arguments from the environment (`TF_CLI_ARGS`, `TF_CLI_ARGS_apply`).
            var environment: [String: String?] = [:]
            for (key, value) in variables where key.hasPrefix("TF_CLI_ARGS") { environment[key] = value }
            for (key, value) in commandEnvironment where key.hasPrefix("TF_CLI_ARGS") { environment[key] = value }
            var invocation = InfrastructureInvocation(tool: name, arguments: args.map(\.value), displays: args.map(\.display), environment: environment)
            // What a manifest, patch or request file says decides what the tool does
            // (`kubectl apply -f - <<EOF` with a ClusterRoleBinding, a change batch that deletes).
            if invocation.carriesDocuments {
                invocation.documentsReadable = allowDocuments(of: &invocation, stdin: stdin)
            }
            if name == "kubectl" || name == "oc" || name == "helm" { classifyKubeconfigPlugins(args) }
            // `kubectl exec POD -- CMD` runs CMD in the pod: what CMD does is what happens, as for
            // `docker exec`. Without `--` (or without a command) the verb alone speaks.
            // The exec itself stays an operation of its own, so a policy can still name it.
            if name == "kubectl" || name == "oc", let (pod, command) = Self.kubectlExecCommand(args) {
                for (key, value) in infrastructure.environmentFacts(invocation) { environmentFacts.add(key, value) }
                // Pods are named, not paths: the target goes in as written.
                add(Finding(operation: "kubectl:exec", effect: .read, targets: pod.map { [$0.text] } ?? [], targetsComplete: pod?.value != nil,
                            reason: "`\(name) exec` runs the command after `--` in \(pod.map { "`\($0.text)`" } ?? "a pod"); what it does is classified as that command"))
                let input = args.contains(where: { $0.value == "-i" || $0.value == "--stdin" || $0.value == "-it" || $0.value == "-ti" }) ? Self.fixedText(stdin) : nil
                elsewhere { $0.run(command, stdin: input.map { .text($0) } ?? .inherited) }
                return
            }
            for (key, value) in infrastructure.environmentFacts(invocation) { environmentFacts.add(key, value) }
            let infrastructureFindings = infrastructure.classify(invocation)
            findings.append(contentsOf: infrastructureFindings)
            if name == "terraform" || name == "tofu" { classifyTerraformPrograms(name, invocation) }
            // `terraform plan -destroy -out p && terraform apply p`: the incident in two steps.
            // The plan file is binary, but this line wrote it, and says what it holds.
            if let plan = TerraformCommand.destroyPlanWritten(invocation) {
                destroyPlanFiles.insert(Self.planKey(resolvePath(plan)))
            } else if let plan = TerraformCommand.planFileApplied(invocation), destroyPlanFiles.contains(Self.planKey(resolvePath(plan))) {
                add(Finding(operation: "terraform:destroy", effect: .destructive, targets: [plan], targetsComplete: false, blastRadius: .unknown, categories: [.teardown],
                            reason: "`\(name) apply \(plan)` applies the plan `\(name) plan -destroy` wrote earlier on this line, which deletes every resource the configuration manages"))
            }
            if infrastructureFindings.contains(where: { $0.effect != .read }), let cost = infrastructure.estimatedCostUSD(invocation) {
                estimatedCostUSD = (estimatedCostUSD ?? 0) + cost
            }

        // MARK: Network
        case .ip:
            classifyNetworkInterfaces(name, args, stdin: stdin)
        case .curl:
            classifyCurl(args)
        case .wget:
            classifyWget(args)
        case .nc:
            unknown(op, "`\(name)` opens a raw connection; what it sends is not visible")

        // MARK: Running other programs
        case .make:
            unknown(op, "`\(name)` runs project-defined code whose effect is unknown")
            if let runner = CommandRunner.projectPrograms[name] { _ = runThroughRunner(name, runner, args, stdin: stdin) }
            if name == "make" || name == "gmake" { classifyMakeRecipes(name, args) }
            if name == "just" { classifyJustRecipes(args) }
            if name == "task" || name == "go-task" { classifyTaskfileTasks(args) }
        case .swift:
            if name == "swift", let sub = args.first?.value, ["run", "test", "package"].contains(sub) || !sub.hasPrefix(ascii: "-") && sub != "build" {
                unknown(op, "`swift \(sub)` runs project code")
                // `swift run interlock approvals approve …` from Interlock's own checkout.
                if sub == "run", let product = args.firstIndex(where: { $0.value.map(InterlockCommandLine.tools.contains) ?? false }) {
                    findings.append(contentsOf: InterlockCommandLine.classify(tool: args[product].value!, args[(product + 1)...].map(\.value)))
                }
            } else {
                add(op, .write, "`\(name)` compiles, writing build products")
            }
        case .vi:
            // An editor changes the files it is given, and whatever its commands open.
            if ["vi", "vim", "nvim", "nano", "emacs", "pico", "ed", "ex", "code", "subl"].contains(name) {
                let options = CommandOptions(args, valued: ["-c", "--cmd", "-S", "-u", "-U", "-i", "-T", "-w", "-W", "-t", "-q", "-r", "--eval", "-l", "--load", "-f", "--funcall"])
                let files = options.operands.filter { !($0.value?.hasPrefix(ascii: "+") ?? false) }
                if !files.isEmpty {
                    add(op, .unknown, targets: files + [.runtime("<other files its commands open>")],
                        "`\(name)` edits \(Self.list(files)), and its commands may do anything; its effect is unknown")
                    return
                }
            }
            unknown(op, "`\(name)` is interactive or opens another program; its effect is unknown")
        default:
            unknown(op, "`\(name)` is not a command Interlock knows; its effect is unknown")
        }
    }

    /// The command `kubectl exec … POD -- CMD …` runs, when the line names one.
    /// A kubeconfig's `exec` credential plugins run a command on the caller's machine on every
    /// call. For a kubeconfig named on the line (`--kubeconfig FILE`, `KUBECONFIG=FILE`) the file
    /// is read and each plugin's command classified as what this line runs; one computed at run
    /// time, or past the line's document allowance, is unknown. (The default `~/.kube/config` is
    /// not read here: writing it is what is unknown, `CodeThatRunsLater`.)
    mutating func classifyKubeconfigPlugins(_ args: [Argument]) {
        var paths: [Argument] = []
        for (index, argument) in args.enumerated() {
            if argument.value == "--kubeconfig", index + 1 < args.count { paths.append(args[index + 1]) }
            if let text = argument.value, text.hasPrefix("--kubeconfig=") { paths.append(.known(String(text.dropFirst("--kubeconfig=".count)))) }
            if argument.value == "--" { break }
        }
        if paths.isEmpty, let entry = commandEnvironment["KUBECONFIG"] ?? variables["KUBECONFIG"].map({ Optional($0) }) {
            guard let list = entry else {
                unknown("shell:kubeconfig", "`KUBECONFIG` is computed at run time; the credential plugins of the kubeconfig it names cannot be seen", opaque: true)
                return
            }
            paths = list.pieces(between: ":").map { .known(String($0)) }
        }
        for path in paths {
            guard path.isExact else {
                unknown("shell:kubeconfig", "the kubeconfig `\(path.display)` is named at run time; its credential plugins cannot be seen", opaque: true)
                continue
            }
            // A missing file makes kubectl fail before it runs anything; one the view cannot
            // read, or past the line's allowance, may hold any plugin.
            if pathKind(path) == .missing { continue }
            documentReadsLeft -= 1
            guard documentReadsLeft >= 0, let text = contentsOfFile(named: path) else {
                unknown("shell:kubeconfig", "the kubeconfig `\(path.display)` cannot be read here or is past the line's allowance; its credential plugins cannot be seen", opaque: true)
                continue
            }
            diskDocumentBytesLeft -= text.utf8.count
            guard diskDocumentBytesLeft >= 0, let document = YAMLDocuments.parse(text)?.first else {
                unknown("shell:kubeconfig", "the kubeconfig `\(path.display)` is past the line's allowance or not YAML; its credential plugins are not examined", opaque: true)
                continue
            }
            for user in document["users"]?.arrayValue ?? [] {
                guard let exec = user["user"]?["exec"], case .object = exec else { continue }
                guard let command = exec["command"]?.stringValue else {
                    unknown("shell:kubeconfig", "the kubeconfig `\(path.display)` has a credential plugin without a readable command", opaque: true)
                    continue
                }
                let arguments = [Argument.known(command)] + (exec["args"]?.arrayValue ?? []).map { Argument.known($0.stringValue ?? "") }
                add(Finding(operation: "kubectl:credential_plugin", effect: .read, targets: [command],
                            reason: "the kubeconfig `\(path.display)` runs `\(command)` on every call; what it does is classified as that command"))
                run(arguments, stdin: .inherited)
            }
        }
    }

    /// kubectl's global options that take values: `--context prod`, `-n payments`.
    private static let kubectlValuedOptions: Set<String> = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server", "--token", "--as", "--as-group", "--request-timeout"]
    /// `kubectl exec`'s options that take values, global ones included.
    private static let kubectlExecValuedOptions = kubectlValuedOptions.union(["-c", "--container", "-f", "--filename", "--pod-running-timeout"])

    static func kubectlExecCommand(_ args: [Argument]) -> (pod: Argument?, command: [Argument])? {
        // Global options before the verb take values.
        let valued = kubectlValuedOptions
        var index = 0
        while index < args.count, let text = args[index].value, text.hasPrefix(ascii: "-") {
            index += valued.contains(text) ? 2 : 1
        }
        guard index < args.count, args[index].value == "exec",
              let separator = args[index...].firstIndex(where: { $0.value == "--" }), separator + 1 < args.count else { return nil }
        // The pod: the first word after `exec` that is neither an option nor an option's value.
        let execValued = kubectlExecValuedOptions
        var pod: Argument?
        var position = index + 1
        while position < separator {
            let text = args[position].value ?? ""
            if text.hasPrefix(ascii: "-") {
                position += execValued.contains(text) ? 2 : 1
                continue
            }
            pod = args[position]
            break
        }
        return (pod, Array(args[(separator + 1)...]))
    }

    /// Whether a chmod mode sets the setuid or setgid bit: symbolic (`u+s`, `g=s`, `+s`,
    /// `a+rws`) or octal with a leading 4, 2 or 6 in four digits (`4755`, `2755`).
    /// Where GNU chmod's mode is written as if it were options (`-x`, `-w,+r`, `-rwx`): the first
    /// word before `--` that starts with `-` and a permission letter, operator or digit. `-R`,
    /// `-c`, `-f`, `-v` and long options are options.
    static func dashModeIndex(_ args: [Argument]) -> Int? {
        for index in args.indices {
            guard let text = args[index].value else { continue }
            if text == "--" { return nil }
            let bytes = Array(text.utf8)
            guard bytes.count > 1, bytes[0] == UInt8(ascii: "-"), bytes[1] != UInt8(ascii: "-") else { continue }
            if bytes.dropFirst().allSatisfy({ "rwxXstugoa,+-=01234567".utf8.contains($0) }) { return index }
        }
        return nil
    }

    static func setsUserOrGroupID(_ mode: String) -> Bool {
        if let octal = Int(mode, radix: 8), mode.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) {
            return octal & 0o6000 != 0
        }
        // Symbolic clauses, comma-separated: who, then operators with permission letters.
        return mode.pieces(between: ",").contains { clause in
            guard let op = clause.firstIndex(where: { $0 == "+" || $0 == "=" }) else { return false }
            return clause[op...].contains("s")
        }
    }

    static func list(_ arguments: [Argument]) -> String {
        if arguments.isEmpty { return "nothing named" }
        let shown = arguments.prefix(4).map { "`\($0.text)`" }.joined(separator: ", ")
        return arguments.count > 4 ? shown + " and \(arguments.count - 4) more" : shown
    }

    // MARK: mv and cp

    mutating func classifyMoveOrCopy(_ name: String, _ args: [Argument], copy: Bool) {
        let op = "shell:" + name
        let options = CommandOptions(args, valued: ["-t", "--target-directory", "-S", "--suffix", "--backup", "--reflink", "--sparse", "-m", "--mode", "-o", "--owner", "-g", "--group", "--preserve", "--no-preserve", "--update"])
        let verb = copy ? "copies" : "moves"
        // Copied recursively, a directory lands with everything in it.
        let recursive = copy && options.has("-r", "-R", "-a", "--recursive", "--archive")
        var sources = options.operands
        let destination: Argument
        var intoDirectory = false
        if let directory = options.value("-t", "--target-directory") {
            destination = .known(directory)
            intoDirectory = true
        } else {
            guard sources.count >= 2 else {
                add(op, .write, targets: sources, "`\(name)` with a single operand")
                return
            }
            destination = sources.removeLast()
            // `.`, `..`, the home directory and a trailing `/` are directories whatever the file
            // system says.
            if let value = destination.value, value == "." || value == ".." || value == "~" || value == "$HOME" || value == "${HOME}"
                || value.hasSuffix("/") || value.hasSuffix("/.") { intoDirectory = true }
        }
        noteCodeThatRunsLater([destination], operation: op, intoDirectory: intoDirectory || sources.count > 1 || pathKind(destination) == .directory)
        // A move takes its sources away from where they were: `mv .claude/settings.json /tmp`
        // switches a host's hooks off as surely as deleting the file.
        if !copy {
            add(op, .write, targets: sources, "`\(name)` takes \(Self.list(sources)) away from where \(sources.count == 1 ? "it was" : "they were")")
        }
        if options.has("-n", "--no-clobber") || options.value("--update") == "none" {
            add(op, .write, targets: [destination], "\(verb) \(Self.list(sources)) to `\(destination.text)` without replacing existing files")
            return
        }
        let destinationKind = pathKind(destination)
        if destinationKind == .directory || intoDirectory || sources.count > 1 {
            // Sources land inside the directory; each replaces a file of the same name there.
            var overwrites: [Argument] = []
            // Where each source lands, new or not: `cp -r evil/.claude .` writes `./.claude`.
            var fresh: [Argument] = []
            var undecided = destinationKind == nil && !intoDirectory
            for source in sources {
                guard let value = source.value, !source.isPattern, let base = destination.value else {
                    undecided = true
                    continue
                }
                let inside = Argument.known((base.hasSuffix("/") ? base : base + "/") + Paths.basename(value))
                switch pathKind(inside) {
                case .file?, .directory?: overwrites.append(inside)
                case .missing?: fresh.append(inside)
                case nil: undecided = true; fresh.append(inside)
                }
            }
            // A directory copied lands with everything in it, merged into one of the same name
            // (`cp -r dots/.config ~/`, `cp -r evil/. ~`): its landing place is reached beneath,
            // the directory it lands in is not.
            let landsTrees = recursive && !fresh.isEmpty
            if !overwrites.isEmpty {
                add(op, .destructive, targets: overwrites, blastRadius: recursive ? .unknown : nil,
                    categories: [.dataLoss], "\(verb) over existing \(Self.list(overwrites))")
                if !fresh.isEmpty { add(op, .write, targets: fresh, "\(verb) new \(Self.list(fresh)) into `\(destination.text)`") }
            } else if undecided {
                if landsTrees {
                    add(op, .unknown, targets: [destination], "\(verb) into `\(destination.text)`, where files of the same name may be replaced")
                    add(op, .unknown, targets: fresh, blastRadius: .unknown, "\(verb) \(Self.list(fresh)) with whatever they hold, merged with what is there")
                } else {
                    add(op, .unknown, targets: [destination] + fresh, "\(verb) into `\(destination.text)`, where files of the same name may be replaced")
                }
            } else {
                add(op, .write, targets: [destination] + fresh, "\(verb) \(Self.list(sources)) into `\(destination.text)`")
            }
            return
        }
        switch destinationKind {
        case .file?:
            add(op, .destructive, targets: [destination], categories: [.dataLoss], "\(verb) \(Self.list(sources)) over the existing file `\(destination.text)`")
        case .missing?:
            add(op, .write, targets: [destination], blastRadius: recursive ? .unknown : nil, "\(verb) \(Self.list(sources)) to the new path `\(destination.text)`")
        default:
            // Not known whether it is a directory: the source may land inside it, and copied
            // recursively it lands there with everything in it. (Were the destination missing, it
            // would become the copy; a destination the view cannot see is taken to be there.)
            guard let base = destination.value, let source = sources.first?.value, sources.first?.isPattern == false else {
                add(op, .unknown, targets: [destination], "\(verb) \(Self.list(sources)) to `\(destination.text)`, which may exist and would be replaced")
                return
            }
            let inside = Argument.known(base + "/" + Paths.basename(source))
            if recursive {
                add(op, .unknown, targets: [destination], "\(verb) \(Self.list(sources)) to `\(destination.text)`, which may exist and would be replaced")
                add(op, .unknown, targets: [inside], blastRadius: .unknown, "\(verb) `\(source)` with whatever it holds into `\(destination.text)`, merged with what is there")
            } else {
                add(op, .unknown, targets: [destination, inside], "\(verb) \(Self.list(sources)) to `\(destination.text)`, which may exist and would be replaced")
            }
        }
    }

    // MARK: sed and awk

    /// How sed is asked to run: `-i` takes its backup suffix only when attached (`-i.bak`,
    /// `--in-place=.bak`), so the letters after it are not options; `arguments` has them cut off.
    struct SedMode {
        var arguments: [Argument] = []
        var inPlace = false
        var backupSuffix: String?
        /// `-n`: only what the script prints is output, so in place every other line is removed.
        var quiet = false
    }

    static func sedMode(_ args: [Argument]) -> SedMode {
        var mode = SedMode()
        mode.arguments.reserveCapacity(args.count)
        var takesNextAsValue = false
        var optionsEnded = false
        for argument in args {
            guard !optionsEnded, !takesNextAsValue, let text = argument.value, text.utf8.count > 1, text.utf8.first == UInt8(ascii: "-") else {
                takesNextAsValue = false
                mode.arguments.append(argument)
                continue
            }
            if text == "--" {
                optionsEnded = true
            } else if text.hasPrefix("--") {
                let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
                switch name {
                case "--in-place":
                    mode.inPlace = true
                    if let equals = text.firstIndex(of: "=") { mode.backupSuffix = String(text[text.index(after: equals)...]) }
                case "--quiet", "--silent": mode.quiet = true
                case "--expression", "--file", "--line-length": takesNextAsValue = !text.contains("=")
                default: break
                }
            } else {
                var kept = "-"
                for letter in text.dropFirst() {
                    kept.append(letter)
                    if letter == "i" {
                        mode.inPlace = true
                        let suffix = text.dropFirst(kept.count)
                        if !suffix.isEmpty { mode.backupSuffix = String(suffix) }
                        break
                    }
                    if letter == "n" { mode.quiet = true }
                    if letter == "e" || letter == "f" || letter == "l" {
                        takesNextAsValue = kept.count == text.count
                        kept = text
                        break
                    }
                }
                mode.arguments.append(kept == text ? argument : .known(kept))
                continue
            }
            mode.arguments.append(argument)
        }
        return mode
    }

    mutating func classifySed(_ name: String, _ args: [Argument]) {
        let op = "shell:\(name)"
        let mode = Self.sedMode(args)
        let options = CommandOptions(mode.arguments, valued: ["-e", "--expression", "-f", "--file", "-l", "--line-length"])
        var files = options.operands
        var sources = options.valueArguments("-e", "--expression", "-f", "--file")
        if sources.isEmpty, !files.isEmpty { sources = [("-e", files.removeFirst())] }
        var pieces: [String] = []
        for (option, argument) in sources {
            guard let piece = option == "-e" || option == "--expression" ? scriptText(argument, by: name) : programFile(argument, by: name) else { return }
            pieces.append(piece)
        }
        // sed joins its `-e` pieces and `-f` files with newlines and compiles the whole before reading input.
        let effects: SedScriptEffects
        do {
            effects = try SedScript.effects(of: pieces.joined(separator: "\n"))
        } catch {
            unknown(op, "the `\(name)` script cannot be read here (\(error.message) at byte \(error.offset)), so what it does is unknown")
            return
        }
        // `--sandbox` makes sed refuse scripts with `e`, `w` or `r` before it runs them.
        if !options.has("--sandbox") {
            if effects.runsCommands {
                unknown(op, "the `\(name)` script runs shell commands (`e`)", opaque: true)
            }
            for file in effects.writtenFiles {
                classifyWrite(to: .known(file), truncates: true, by: "the `\(name)` script's `w`", operation: op)
            }
        }
        if mode.inPlace {
            noteCodeThatRunsLater(files, operation: op)
            // With `-n` (or `#n`) only what the script prints is kept.
            let printsOnlyWhatItIsTold = mode.quiet || effects.quiet
            let removal = printsOnlyWhatItIsTold ? .possiblyAll : effects.removal
            // A backup beside each file (a suffix without `/`) keeps what the edit removes.
            if removal != .none, let suffix = mode.backupSuffix, !suffix.isEmpty, !suffix.contains("/") {
                add(op, .write, targets: files, "`\(name) -i\(suffix)` edits \(Self.list(files)) in place and keeps each original with the suffix `\(suffix)`")
                return
            }
            switch removal {
            case .possiblyAll:
                add(op, .destructive, targets: files, categories: [.dataLoss],
                    "`\(name) -i` may remove every line of \(Self.list(files)): "
                        + (printsOnlyWhatItIsTold ? "with `-n` only what the script prints is kept" : "the script deletes, empties or stops without an address that limits it"))
            case .addressed:
                add(op, .destructive, targets: files, "`\(name) -i` removes text from \(Self.list(files)) and puts nothing in its place")
            case .none:
                add(op, .write, targets: files, "`\(name) -i` edits \(Self.list(files)) in place")
            }
        } else {
            add(op, .read, "`\(name)` prints")
        }
    }

    /// Program text given on the command line, or nil (after an unknown finding) when the shell computes it.
    mutating func scriptText(_ argument: Argument, by tool: String) -> String? {
        guard let text = argument.value else {
            unknown("shell:\(tool)", "the `\(tool)` program `\(argument.display)` is computed at run time", opaque: true)
            return nil
        }
        return text
    }

    /// The text of a program file (`sed -f`, `awk -f`), or nil (after an unknown finding) when it cannot be read here.
    mutating func programFile(_ argument: Argument, by tool: String) -> String? {
        // `-` is standard input, not a file of that name.
        guard argument.value != "-", let text = contentsOfFile(named: argument) else {
            unknown("shell:\(tool)", "`\(tool)` runs the program in `\(argument.display)`, whose contents cannot be read here", opaque: true)
            return nil
        }
        return text
    }

    mutating func classifyAwk(_ name: String, _ args: [Argument]) {
        let op = "shell:\(name)"
        let findingsBefore = findings.count
        guard let invocation = awkInvocation(name, args) else { return }
        let effects: AwkProgramEffects
        do {
            effects = try AwkProgram.effects(of: invocation.program)
        } catch {
            unknown(op, "the `\(name)` program cannot be read here (\(error.message) at byte \(error.offset)), so what it does is unknown")
            return
        }
        if effects.usesIndirection {
            unknown(op, "the `\(name)` program loads code or calls functions by name (`@`)", opaque: true)
        }
        // gawk's `--sandbox` refuses `system()`, pipes and output redirections when the program reaches them.
        if !invocation.isSandboxed {
            // Commands written as one string constant are the command lines they say; one built at
            // run time is opaque.
            if effects.computesCommands {
                unknown(op, "the `\(name)` program runs commands built at run time (`system()` or a pipe)", opaque: true)
            }
            for command in effects.commandLines {
                analyzeText(command, origin: "the command the `\(name)` program runs")
            }
            for output in effects.outputFiles {
                guard let path = output.path else {
                    unknown(op, "the `\(name)` program writes to a file named at run time")
                    continue
                }
                classifyWrite(to: .known(path), truncates: !output.appends, by: "the `\(name)` program's `\(output.appends ? ">>" : ">")`", operation: op)
            }
        }
        for (file, option) in invocation.reports {
            classifyWrite(to: .known(file), truncates: true, by: "`\(name) \(option)`", operation: op)
        }
        if invocation.editsInPlace {
            let files = invocation.operands.filter { !($0.value?.contains("=") ?? false) }
            noteCodeThatRunsLater(files, operation: op)
            // The file is replaced by what the program prints: a filter (`/keep/`, `NR > 5`)
            // removes every line it does not print.
            if effects.printsEveryRecord && !effects.removesText {
                add(op, .write, targets: files, "`\(name) -i inplace` edits \(Self.list(files)) in place")
            } else if effects.printsEveryRecord {
                add(op, .destructive, targets: files, "`\(name) -i inplace` removes text from \(Self.list(files)) and puts nothing in its place")
            } else {
                add(op, .destructive, targets: files,
                    "`\(name) -i inplace` replaces \(Self.list(files)) with what the program prints, and it is not seen to print every line")
            }
        } else if findings.count == findingsBefore {
            add(op, .read, "`\(name)` prints")
        }
    }

    struct AwkInvocation {
        var program = ""
        var operands: [Argument] = []
        var editsInPlace = false
        var isSandboxed = false
        /// Files gawk writes about the program (`-o` pretty-print, `-p` profile, `-d` variables), with the option.
        var reports: [(file: String, option: String)] = []
    }

    /// Short options that take a value: required for `f E e i l F v W`, attached only for `o p d D L`.
    static let awkOptionsWithValues: Set<Character> = ["f", "E", "e", "i", "l", "F", "v", "W", "o", "p", "d", "D", "L"]
    static let gawkLongOptions: [String: Character] = [
        "--file": "f", "--exec": "E", "--source": "e", "--include": "i", "--load": "l", "--sandbox": "S", "--pretty-print": "o",
        "--profile": "p", "--dump-variables": "d", "--debug": "D", "--field-separator": "F", "--assign": "v", "--lint": "L",
    ]
    /// `-W` settings (mawk's and gawk's spelling of long options) that change nothing outside the program.
    static let harmlessAwkSettings: Set<String> = ["version", "usage", "help", "posix_space", "interactive", "posix", "traditional", "lint", "re-interval"]

    /// awk's options, read as gawk reads them (`-o`, `-p`, `-d`, `-D`, `-L` take a value only when it
    /// is attached), up to the program; nil (after an unknown finding) when the program cannot be known.
    mutating func awkInvocation(_ name: String, _ args: [Argument]) -> AwkInvocation? {
        let op = "shell:\(name)"
        var invocation = AwkInvocation()
        var pieces: [String] = []
        var hasProgramOption = false
        var remaining = args[...]
        while let argument = remaining.first, let text = argument.value, text.hasPrefix(ascii: "-"), text != "-" {
            remaining.removeFirst()
            if text == "--" { break }
            // Each option as its short letter and the value attached to it (`-fFILE`, `--file=FILE`).
            var options: [(letter: Character, attached: String?)] = []
            if text.hasPrefix("--") {
                let equals = text.firstIndex(of: "=")
                guard let letter = Self.gawkLongOptions[String(text[..<(equals ?? text.endIndex)])] else { continue }
                options.append((letter, equals.map { String(text[text.index(after: $0)...]) }))
            } else {
                var letters = text.dropFirst()
                while let letter = letters.popFirst() {
                    if Self.awkOptionsWithValues.contains(letter) {
                        options.append((letter, letters.isEmpty ? nil : String(letters)))
                        break
                    }
                    options.append((letter, nil))
                }
            }
            for (letter, attached) in options {
                switch letter {
                case "f", "E", "e", "i", "l", "F", "v", "W":
                    guard let value = attached.map(Argument.known) ?? remaining.popFirst() else {
                        unknown(op, "`\(name) -\(letter)` is missing its value")
                        return nil
                    }
                    switch letter {
                    case "f", "E":
                        hasProgramOption = true
                        guard let text = programFile(value, by: name) else { return nil }
                        pieces.append(text)
                    case "e":
                        hasProgramOption = true
                        guard let text = scriptText(value, by: name) else { return nil }
                        pieces.append(text)
                    case "i" where value.value == "inplace":
                        invocation.editsInPlace = true
                    case "i":
                        guard let text = programFile(value, by: name) else { return nil }
                        pieces.append(text)
                    case "l":
                        unknown(op, "`\(name) -l` loads the compiled extension `\(value.display)`", opaque: true)
                        return nil
                    case "W":
                        let setting = value.value?.pieces(between: "=").first ?? ""
                        if setting == "sandbox" {
                            invocation.isSandboxed = true
                        } else if !Self.harmlessAwkSettings.contains(String(setting)) {
                            unknown(op, "`\(name) -W \(value.display)` is not an option this reader knows", opaque: true)
                            return nil
                        }
                    default:
                        break
                    }
                case "o", "p", "d":
                    invocation.reports.append((attached ?? (letter == "d" ? "awkvars.out" : "awkprof.out"), "-\(letter)"))
                case "D":
                    unknown(op, "`\(name) -D` runs the gawk debugger, which takes commands as it goes")
                    return nil
                case "S":
                    invocation.isSandboxed = true
                default:
                    break
                }
            }
        }
        if !hasProgramOption {
            guard let program = remaining.popFirst() else {
                // Without a program awk prints its usage and stops.
                return invocation
            }
            guard let text = scriptText(program, by: name) else { return nil }
            pieces.append(text)
        }
        invocation.program = pieces.joined(separator: "\n")
        invocation.operands = Array(remaining)
        return invocation
    }

    // MARK: 7-Zip

    /// `7z COMMAND [SWITCHES] ARCHIVE [FILES]`: `x`/`e` extract into `-oDIR` (or here), `a`/`u`/`d`/`rn`
    /// change the archive, `l`/`t`/`h`/`i` read. Extraction asks before replacing a file unless
    /// `-y` or `-aoa` answers for it.
    mutating func classify7z(_ name: String, _ args: [Argument]) {
        let op = "shell:\(name)"
        // A switch computed at run time (`-o"$DIR"`) is still a switch, by how it is written.
        let operands = args.filter { !$0.display.hasPrefix(ascii: "-") }
        let switches = args.filter { $0.display.hasPrefix(ascii: "-") }
        guard let command = operands.first?.value else {
            unknown(op, "the `\(name)` command is computed at run time or missing")
            return
        }
        let archive = operands.dropFirst().first.map { [$0] } ?? []
        switch command {
        case "x", "e":
            let directory = switches.last { $0.display.hasPrefix("-o") && $0.display.count > 2 }.map { output in
                output.value.map { Argument.known(String($0.dropFirst(2))) } ?? .runtime(String(output.display.dropFirst(2)))
            } ?? .known(".")
            if switches.contains(where: { $0.value == "-y" || $0.value == "-aoa" }) {
                add(op, .destructive, targets: [directory], blastRadius: .unknown, categories: [.dataLoss],
                    "`\(name) \(command)` with `-y`/`-aoa` replaces existing files under `\(directory.text)` without asking")
            } else {
                add(op, .write, targets: [directory], blastRadius: .unknown, "`\(name) \(command)` extracts files under `\(directory.text)`")
            }
        case "a", "u", "d", "rn":
            add(op, .write, targets: archive, "`\(name) \(command)` changes the archive")
        case "l", "t", "h", "i", "b":
            add(op, .read, "`\(name) \(command)` reads")
        default:
            unknown(op, "`\(name) \(command)` is not catalogued")
        }
    }

    // MARK: tar

    mutating func classifyTar(_ name: String, _ args: [Argument]) {
        var arguments = args
        // Old-style first argument without a dash: `tar xzf file`.
        if let first = arguments.first?.value, !first.hasPrefix(ascii: "-"), first.allSatisfy({ $0.isLetter }) {
            arguments[0] = .known("-" + first)
        }
        let options = CommandOptions(arguments, valued: ["-f", "--file", "-C", "--directory", "-T", "--files-from", "-X", "--exclude-from", "--exclude", "-b", "-H", "--format", "-I", "--use-compress-program", "--transform", "--strip-components", "-g", "--listed-incremental", "--owner", "--group", "--mode", "--mtime", "-N", "--newer"])
        // A value the shell computes (`-C "$HOME/.config"`) stays computed: it is not a path beside the working directory.
        let directory = options.valueArguments("-C", "--directory").last?.argument ?? .known(".")
        if options.has("--remove-files") {
            add("shell:\(name)", .destructive, targets: options.operands, categories: [.dataLoss], "`tar --remove-files` deletes the files it archives")
        }
        if options.has("-x", "--extract", "--get") {
            if options.has("--overwrite", "-U", "--unlink-first", "--recursive-unlink", "--overwrite-dir") {
                add("shell:\(name)", .destructive, targets: [directory], blastRadius: .unknown, categories: [.dataLoss], "`tar -x` with overwrite flags replaces existing files under `\(directory.text)`")
            } else if options.has("-k", "--keep-old-files", "--skip-old-files", "--keep-newer-files") || pathKind(directory) == .missing {
                add("shell:\(name)", .write, targets: [directory], "`tar -x` extracts without replacing existing files")
            } else {
                // GNU tar and bsdtar replace a file of the same name unless told to keep it, as `cp` into a directory does.
                add("shell:\(name)", .unknown, targets: [directory], blastRadius: .unknown,
                    "`tar -x` replaces files of the same name under `\(directory.text)`; which exist depends on the archive")
            }
        } else if options.has("-c", "--create", "-r", "--append", "-u", "--update", "-A", "--concatenate", "--delete") {
            if let file = options.value("-f", "--file") {
                classifyWrite(to: .known(file), truncates: options.has("-c", "--create"), by: "`tar`", operation: "shell:\(name)")
            } else {
                add("shell:\(name)", .read, "`tar -c` writes the archive to standard output")
            }
        } else {
            add("shell:\(name)", .read, "`tar` lists an archive")
        }
    }

    // MARK: systemctl

    mutating func classifySystemctl(_ args: [Argument]) {
        let options = CommandOptions(args, valued: ["-t", "--type", "-p", "--property", "-H", "--host", "-M", "--machine", "-n", "--lines", "-o", "--output", "--state", "-s", "--signal", "--root", "--kill-whom", "--job-mode"])
        guard let verb = options.operands.first?.value else {
            add("shell:systemctl", .read, "lists units")
            return
        }
        let units = Array(options.operands.dropFirst())
        switch verb {
        case "stop", "disable", "mask", "kill", "isolate", "poweroff", "reboot", "halt", "rescue", "emergency", "kexec", "suspend", "hibernate", "clean", "freeze", "soft-reboot":
            add("shell:systemctl:\(verb)", .destructive, names: units, categories: ["poweroff", "reboot", "halt", "kexec", "soft-reboot"].contains(verb) ? [.teardown] : [],
                "`systemctl \(verb)` \(units.isEmpty ? "stops the machine's services" : "stops or disables \(Self.list(units))")")
        case "edit":
            // An agent has no one at the editor: the unit becomes whatever the editor it is given
            // (`SYSTEMD_EDITOR`, `EDITOR`) leaves, and its `ExecStart` runs as root.
            unknown("shell:systemctl:edit", "`systemctl edit` changes \(units.isEmpty ? "a unit" : Self.list(units)) as the configured editor leaves it; the change, and what the unit then runs, cannot be seen before it is made")
        case "start", "restart", "try-restart", "reload", "reload-or-restart", "try-reload-or-restart", "enable", "unmask", "daemon-reload",
            "daemon-reexec", "set-property", "link", "preset", "preset-all", "revert", "reenable", "reset-failed", "thaw", "set-default", "import-environment", "set-environment", "unset-environment":
            add("shell:systemctl:\(verb)", .write, names: units, "`systemctl \(verb)` \(Self.list(units))")
            // A unit given as a file (`systemctl enable /tmp/x.service`, `link`) is linked into
            // systemd from wherever it lies: what it runs is what its `Exec…=` lines say.
            if ["enable", "link", "reenable"].contains(verb) {
                for unit in units where unit.value?.utf8.contains(UInt8(ascii: "/")) ?? true {
                    classifyUnitFile(unit, by: "systemctl \(verb)")
                }
            }
        case "status", "show", "cat", "help", "is-active", "is-enabled", "is-failed", "is-system-running", "get-default", "show-environment", "list-dependencies":
            add("shell:systemctl", .read, "`systemctl \(verb)` only reads")
        default:
            if verb.hasPrefix("list-") { add("shell:systemctl", .read, "`systemctl \(verb)` only lists") } else { unknown("shell:systemctl", "`systemctl \(verb)` is not catalogued") }
        }
    }

    /// The commands a systemd unit file runs (`ExecStart=`, `ExecStartPre=`, `ExecStop=` …, with
    /// their `-`, `@`, `:`, `+`, `!` prefixes taken off), classified as commands this line starts:
    /// systemd runs them, as root unless the unit says otherwise, when the unit starts.
    mutating func classifyUnitFile(_ unit: Argument, by runner: String) {
        guard let text = contentsOfFile(named: unit) else {
            unknown("shell:systemctl:unit_file", "`\(runner)` links `\(unit.display)`, whose contents cannot be read here: what the unit runs is unknown", opaque: true)
            return
        }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("Exec"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let command = trimmed[trimmed.index(after: equals)...].drop { "-@:+! \t".contains($0) }
            guard !command.isEmpty else { continue }
            analyzeText(String(command), origin: "the command the unit `\(unit.display)` runs (`\(trimmed[..<equals])`)")
        }
    }

    // MARK: Firewalls

    mutating func classifyFirewall(_ name: String, _ args: [Argument]) {
        let texts = args.compactMap(\.value)
        let op = "shell:" + name
        switch name {
        case "ufw":
            let verb = texts.first { !$0.hasPrefix(ascii: "-") } ?? "status"
            if ["disable", "reset", "delete"].contains(verb) {
                add(op, .destructive, categories: verb == "delete" ? [] : [.protectionOff], "`ufw \(verb)` removes firewall protection")
            } else if ["status", "show", "version"].contains(verb) {
                add(op, .read, "shows firewall state")
            } else {
                add(op, .write, "changes firewall rules")
            }
        case "nft":
            if texts.contains(where: { ["flush", "delete", "destroy"].contains($0) }) {
                add(op, .destructive, categories: [.protectionOff], "`nft` flushes or deletes firewall rules")
            } else if texts.contains("list") || texts.isEmpty {
                add(op, .read, "lists firewall rules")
            } else {
                add(op, .write, "changes firewall rules")
            }
        case "iptables-restore", "ip6tables-restore":
            add(op, .destructive, categories: [.protectionOff], "`\(name)` replaces every firewall rule")
        case "firewall-cmd", "pfctl":
            // Removal first: `pfctl -s info -F all` shows and flushes.
            if texts.contains(where: { $0.hasPrefix("--remove") || $0 == "--panic-off" || $0 == "-d" || $0 == "-F" }) {
                add(op, .destructive, categories: [.protectionOff], "removes firewall rules")
            } else if texts.contains(where: { $0.hasPrefix("--list") || $0.hasPrefix("--get") || $0 == "--state" || $0 == "-s" }) {
                add(op, .read, "shows firewall state")
            } else {
                add(op, .write, "changes firewall rules")
            }
        default:
            if texts.contains(where: { ["-F", "--flush", "-X", "--delete-chain", "-D", "--delete", "-Z"].contains($0) }) || texts.contains("-P") && texts.contains("ACCEPT") {
                add(op, .destructive, categories: [.protectionOff], "`\(name)` flushes, deletes or opens firewall rules")
            } else if texts.contains(where: { ["-L", "--list", "-S", "--list-rules", "-C", "--check"].contains($0) }) {
                add(op, .read, "lists firewall rules")
            } else {
                add(op, .write, "changes firewall rules")
            }
        }
    }

    // MARK: git hooks

    /// The hooks git will run for this command, classified from their contents: `git commit` runs
    /// `.git/hooks/pre-commit` without naming it. Only when the view can see the repository; a
    /// `core.hooksPath` setting sends git elsewhere, which is unknown.
    mutating func classifyGitHooks(_ sub: String, _ hooks: [String], in repository: RepositoryLocation) {
        let gitDirectory: String, current: String
        switch repository {
        case .found(let git, let top):
            (gitDirectory, current) = (git, top)
        case .unreadable(let candidate):
            unknown("git:hooks", "`\(candidate)` points at a repository this view cannot read, whose hooks may run", opaque: true)
            return
        case .none:
            return
        }
        var hooksDirectory = gitDirectory + "/hooks"
        if let config = fileSystem.contents(of: gitDirectory + "/config") {
            switch Self.hooksPath(inGitConfig: config) {
            case .default:
                break
            case .path(let path):
                // A relative `core.hooksPath` (husky's `.husky/_`) is taken from the top of the work tree.
                hooksDirectory = path.hasPrefix(ascii: "/") ? Paths.normalize(path) : Paths.join(current, path)
            case .unreadable:
                unknown("git:hooks", "the repository's configuration sets `core.hooksPath` in a way this reader cannot follow (an include, `~`), so which hooks git runs is unknown", opaque: true)
                return
            }
        }
        for hook in hooks {
            let path = hooksDirectory + "/" + hook
            guard fileSystem.kind(of: path) == .file else { continue }
            analyzeScriptFile(.known(path), runner: "`git \(sub)` (its `\(hook)` hook)")
        }
    }

    enum RepositoryLocation { case found(gitDirectory: String, top: String), unreadable(String), none }

    /// The repository a git command in `directory` (or the working directory) acts on: the
    /// nearest directory upwards that holds `.git` — a directory, or a file saying `gitdir: PATH`
    /// (a worktree or submodule). `.none` when the view cannot see one. `view` is the line's
    /// view of the disk unless said otherwise.
    func locateRepository(from directory: String?, in view: (any FileSystemView)? = nil) -> RepositoryLocation {
        let fileSystem = view ?? fileSystem
        guard var current = directory.map(resolvePath) ?? workingDirectory.map(Paths.normalize), current.hasPrefix(ascii: "/") else { return .none }
        for _ in 0..<64 {
            // `current` is normal already: joining by hand spares `Paths.join` its normalising.
            let candidate = current == "/" ? "/.git" : current + "/.git"
            switch fileSystem.kind(of: candidate) {
            case .directory?:
                return .found(gitDirectory: candidate, top: current)
            case .file?:
                guard let text = fileSystem.contents(of: candidate), text.hasPrefix("gitdir:") else { return .unreadable(candidate) }
                let target = text.dropFirst("gitdir:".count).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }).first ?? ""
                return .found(gitDirectory: Paths.join(current, String(target)), top: current)
            case .missing?:
                if current == "/" { return .none }
                current = Paths.dirname(current)
            case nil:
                return .none
            }
        }
        return .none
    }

    /// A plain `git push` under the repository's own configuration: a remote set to mirror, or
    /// push refspecs that force or delete, make it as destructive as `--mirror`, `+` or `:dst`
    /// on the line. (A worktree's `config` lives in the main repository; `commondir` names it.)
    mutating func classifyGitPushConfiguration(_ rest: [String], in repository: RepositoryLocation) {
        guard case .found(let gitDirectory, _) = repository else { return }
        var config = fileSystem.contents(of: gitDirectory + "/config")
        if config == nil, let common = fileSystem.contents(of: gitDirectory + "/commondir") {
            let path = String(common.prefix { $0 != "\n" && $0 != "\r" })
            config = fileSystem.contents(of: (path.hasPrefix(ascii: "/") ? path : Paths.join(gitDirectory, path)) + "/config")
        }
        guard let config else { return }
        for finding in GitCommand.pushConfigurationFindings(GitConfiguration.pushConfiguration(config), pushArguments: rest,
                                                            source: "the repository's configuration (`\(gitDirectory)/config`)") {
            add(finding)
        }
    }

    enum HooksPath: Equatable { case `default`, path(String), unreadable }

    /// `core.hooksPath` from a repository's `config` text: the last value in a `[core]` section.
    /// Includes may set it from files this reader does not follow, so they make it unreadable.
    static func hooksPath(inGitConfig config: String) -> HooksPath {
        var inCore = false
        var found: HooksPath = .default
        for rawLine in config.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.first == "[" {
                let section = line.dropFirst().prefix { $0 != "]" && $0 != " " && $0 != "\"" }.lowercased()
                if section == "include" || section == "includeif" { return .unreadable }
                inCore = section == "core"
                continue
            }
            guard inCore, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].filter { $0 != " " && $0 != "\t" }.lowercased()
            guard key == "hookspath" else { continue }
            var value = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            found = value.isEmpty || value.hasPrefix(ascii: "~") || value.contains("\\") || value.contains(";") || value.contains("#") ? .unreadable : .path(String(value))
        }
        return found
    }

    // MARK: wget

    /// wgetrc settings given with `-e` that change only how wget talks to servers, spelled the way
    /// wget compares them: lower case, without `_` and `-`.
    static let harmlessWgetSettings: Set<String> = ["robots", "checkcertificate", "useproxy", "httpproxy", "httpsproxy", "noproxy", "tries", "timeout", "wait", "useragent"]

    mutating func classifyWget(_ args: [Argument]) {
        let op = "shell:wget"
        let options = CommandOptions(args, valued: ["-O", "--output-document", "-o", "--output-file", "-a", "--append-output", "-P", "--directory-prefix",
                                                    "--method", "--body-data", "--body-file", "--post-data", "--post-file", "--header", "-U", "--user-agent",
                                                    "-t", "-T", "--tries", "--timeout", "-e", "--execute", "-i", "--input-file", "-w", "--wait", "-l", "--level"])
        let urls = options.operands
        let sendsData = options.has("--post-data", "--post-file", "--body-data", "--body-file")
        if let method = options.value("--method")?.uppercased(), method == "DELETE" {
            addRequest(op, .destructive, to: urls, "sends an HTTP DELETE to \(Self.list(urls))")
        } else if sendsData || options.value("--method").map({ !["GET", "HEAD", "OPTIONS"].contains($0.uppercased()) }) == true {
            addRequest(op, .write, to: urls, "sends data to \(Self.list(urls))")
        } else {
            add(op, .read, targets: [], "fetches \(Self.list(urls))")
        }
        if findings.last?.effect != .read { noteHumanEndpoints(urls, client: "wget") }
        noteCredentialEndpoints(urls, by: "`wget`")
        for setting in options.allValues("-e", "--execute") {
            let name = String((setting.pieces(between: "=").first ?? "").filter { !" \t_-".contains($0) }).lowercased()
            if !Self.harmlessWgetSettings.contains(name) {
                unknown(op, "`wget -e \(setting)` changes a wgetrc setting, which can decide what it writes or runs")
            }
        }
        // Where the download goes: `-O FILE` replaces FILE; otherwise files take their remote names,
        // and only timestamping and recursive retrieval (without `-nc`) replace earlier copies.
        if options.has("--spider") {
            // Checks that the pages exist; saves nothing.
        } else if let document = options.value("-O", "--output-document") {
            classifyWrite(to: .known(document), truncates: true, by: "`wget -O`", operation: op)
        } else {
            let directory = options.value("-P", "--directory-prefix").map { [Argument.known($0)] } ?? []
            let replaces = options.has("-N", "--timestamping", "-r", "--recursive", "-m", "--mirror", "-p", "--page-requisites")
                && !options.has("--no-clobber") && !args.contains(where: { $0.value == "-nc" })
            add(op, .write, targets: directory, "saves downloads under their remote names, \(replaces ? "replacing earlier copies" : "next to any existing files")")
        }
        for log in options.allValues("-o", "--output-file") {
            classifyWrite(to: .known(log), truncates: true, by: "`wget -o`", operation: op)
        }
        for log in options.allValues("-a", "--append-output") {
            classifyWrite(to: .known(log), truncates: false, by: "`wget -a`", operation: op)
        }
    }

    // MARK: curl

    /// An HTTP request's finding, its URLs the targets as written: `host/path` without a scheme
    /// is a URL to curl and wget, not a file beside the working directory.
    /// Data sent to an endpoint whose path or query names a deletion (Elasticsearch's
    /// `POST /orders/_delete_by_query`, `POST /api/users/42/delete`, `?action=purge`) is a
    /// deletion, whatever the method: many APIs delete through POST.
    mutating func addRequest(_ operation: String, _ effect: Effect, to urls: [Argument], _ reason: String) {
        var (operation, effect, reason) = (operation, effect, reason)
        if effect == .write, let (url, word) = urls.lazy.compactMap({ url in url.value.flatMap(Self.deletionWord(inEndpoint:)).map { (url, $0) } }).first {
            if operation.hasSuffix(":send") { operation = String(operation.dropLast(":send".count)) + ":delete" }
            effect = .destructive
            reason += "; the endpoint `\(url.text)` names a deletion (`\(word)`)"
        }
        add(Finding(operation: operation, effect: effect, targets: urls.map(\.text), targetsComplete: urls.allSatisfy(\.isExact), reason: reason))
    }

    /// Words of an endpoint that take what it names away: deletions, and what stops or shuts a
    /// service or an index (Elasticsearch's `POST /_all/_close`, an admin API's `/shutdown`).
    static let endpointDeletionWords: Set<String> = [
        "delete", "destroy", "remove", "drop", "purge", "truncate", "wipe", "erase", "flushall", "flushdb", "terminate", "nuke", "uninstall",
        "deprovision", "decommission", "rm", "del", "shutdown", "kill", "stop", "halt", "close", "disable", "revoke", "suspend",
    ]

    /// The first word of a URL's path or query (past the host) that names a deletion. Words are
    /// runs of letters and digits, split where lower case turns upper (`deleteUser`).
    static func deletionWord(inEndpoint url: String) -> String? {
        var rest = Substring(url)
        // Past the scheme (`https://`), then past the host.
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") { rest = rest[rest.index(colon, offsetBy: 3)...] }
        rest = rest.drop { $0 != "/" && $0 != "?" }
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        var word = ""
        var previousWasLower = false
        for scalar in rest.unicodeScalars {
            let isUpper = scalar >= "A" && scalar <= "Z", isLower = scalar >= "a" && scalar <= "z", isDigit = scalar >= "0" && scalar <= "9"
            if isUpper && previousWasLower || !(isUpper || isLower || isDigit) {
                if endpointDeletionWords.contains(word) { return word }
                word = ""
            }
            if isUpper || isLower || isDigit { word.unicodeScalars.append(isUpper ? Unicode.Scalar(scalar.value + 32)! : scalar) }
            previousWasLower = isLower
        }
        return endpointDeletionWords.contains(word) ? word : nil
    }

    /// A request to one of Interlock's human endpoints (`InterlockCommandLine.humanEndpointFinding`).
    /// A computed URL could be one of them too, but is no different from any computed URL.
    mutating func noteHumanEndpoints(_ urls: [Argument], client: String) {
        for url in urls {
            if let value = url.value, let finding = InterlockCommandLine.humanEndpointFinding(url: value, client: client) { add(finding) }
        }
    }

    /// A request to a metadata or credentials endpoint (`CredentialEndpoints`): what comes back
    /// is the machine's role credentials, which the agent then holds.
    /// `fetcher` names what fetches in the reason: "`curl`", "the code given to `python3`".
    mutating func noteCredentialEndpoints(_ urls: [Argument], by fetcher: String) {
        for url in urls {
            guard let reason = CredentialEndpoints.reason(url.value ?? url.display, pathKnown: url.value != nil) else { continue }
            add(Finding(operation: "shell:read_credentials", effect: .read, targets: [url.text], targetsComplete: url.isExact, categories: [.credentialIssue],
                        reason: "\(fetcher) fetches `\(url.display)`: \(reason), which the agent then holds"))
        }
    }

    mutating func classifyCurl(_ args: [Argument]) {
        let options = CommandOptions(args, valued: [
            "-X", "--request", "-d", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--json", "-F", "--form", "-T", "--upload-file",
            "-o", "--output", "-H", "--header", "-u", "--user", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c", "--cookie-jar",
            "--connect-timeout", "-m", "--max-time", "--retry", "-w", "--write-out", "-x", "--proxy", "--cacert", "--cert", "--key", "-E",
            "--resolve", "--url", "-K", "--config", "-r", "--range", "--limit-rate", "-z", "--time-cond", "--oauth2-bearer", "-D", "--dump-header",
            "--output-dir", "--retry-delay", "--retry-max-time", "-Y", "-y", "--variable", "--expect100-timeout", "--form-string",
        ])
        let urls = options.operands + options.allValues("--url").map { .known($0) }
        let method = options.value("-X", "--request")?.uppercased()
        if method == "DELETE" {
            addRequest("shell:curl:delete", .destructive, to: urls, "sends an HTTP DELETE to \(Self.list(urls))")
        } else if let method, ["PUT", "POST", "PATCH"].contains(method) || options.has("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--json", "-F", "--form", "-T", "--upload-file", "--form-string") {
            addRequest("shell:curl:send", .write, to: urls, "sends data to \(Self.list(urls)) with \(method)")
        } else if options.has("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--json", "-F", "--form", "-T", "--upload-file", "--form-string") {
            addRequest("shell:curl:send", .write, to: urls, "sends data to \(Self.list(urls))")
        } else if let method, !["GET", "HEAD", "OPTIONS"].contains(method) {
            unknown("shell:curl", "sends an HTTP \(method) to \(Self.list(urls))")
        } else {
            add("shell:curl", .read, targets: [], "fetches \(Self.list(urls))")
        }
        if findings.last?.effect != .read { noteHumanEndpoints(urls, client: "curl") }
        noteCredentialEndpoints(urls, by: "`curl`")
        if let output = options.value("-o", "--output"), output != "-" {
            classifyWrite(to: .known(output), truncates: true, by: "`curl -o`", operation: "shell:curl")
        } else if options.has("-O", "--remote-name", "--remote-name-all") {
            add("shell:curl", .write, "`curl -O` saves the download under its remote name")
        }
    }

    private static let httpMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]

    /// HTTPie (`http`, `https`) and xh: `http [METHOD] URL [ITEM …]`. Without a method, request
    /// items that carry data (`name=value`, `name:=json`, `@file`) make it a POST, as HTTPie does.
    mutating func classifyHTTPie(_ name: String, _ args: [Argument]) {
        let options = CommandOptions(args, valued: [
            "-a", "--auth", "-A", "--auth-type", "--session", "--session-read-only", "-o", "--output", "--verify", "--cert", "--cert-key",
            "--proxy", "--timeout", "--pretty", "-s", "--style", "-p", "--print", "--max-redirects", "--default-scheme", "--boundary",
            "--format-options", "--ssl", "--ciphers", "--response-charset", "--response-mime", "--raw", "--bearer",
        ])
        var positional = options.operands
        let method = positional.first?.value.map { $0.uppercased() }.flatMap { Self.httpMethods.contains($0) ? $0 : nil }
        if method != nil { positional.removeFirst() }
        guard let url = positional.first else {
            unknown("shell:\(name)", "`\(name)` without a URL")
            return
        }
        let items = positional.dropFirst()
        // `=`, `:=`, `=@`, `:=@` data fields and `@file` bodies; `:` headers and `==` query items are not data.
        let sendsData = options.has("--raw") || items.contains { item in
            guard let text = item.value else { return true }
            if text.hasPrefix(ascii: "@") { return true }
            guard let equals = text.firstIndex(of: "=") else { return false }
            return !text[equals...].hasPrefix("==") && !text[..<equals].contains(":") || text[..<equals].hasSuffix(":")
        }
        let chosen = method ?? (sendsData ? "POST" : "GET")
        let op = "shell:\(name)"
        if ["GET", "HEAD", "OPTIONS"].contains(chosen) {
            add(op, .read, targets: [], "fetches `\(url.text)`")
        } else {
            if chosen == "DELETE" {
                addRequest(op + ":delete", .destructive, to: [url], "sends an HTTP DELETE to `\(url.text)`")
            } else {
                // `name==value` items are the query string: the URL requested is the URL with them.
                let query = items.compactMap(\.value).filter { $0.contains("==") }.map { $0.replacing("==", with: "=") }
                let requested = query.isEmpty || url.value == nil ? url : .known(url.value! + (url.value!.contains("?") ? "&" : "?") + query.joined(separator: "&"))
                addRequest(op + ":send", .write, to: [requested], "sends data to `\(url.text)` with \(chosen)")
            }
            // HTTPie's `:8421/v1/resume` is localhost.
            let text = url.value.map { $0.hasPrefix(ascii: ":") ? "http://localhost" + $0 : $0 }
            noteHumanEndpoints([text.map(Argument.known) ?? url], client: name)
        }
        noteCredentialEndpoints([url], by: "`\(name)`")
        if let output = options.value("-o", "--output"), output != "-" {
            classifyWrite(to: .known(output), truncates: true, by: "`\(name) -o`", operation: op)
        }
    }
}

// MARK: Compressors

extension ShellAnalysis {
    /// The suffixes each compressor family writes and strips, with what a stripped archive suffix
    /// becomes (`.tgz` → `.tar`). The first is the one it writes.
    static let compressorSuffixes: [String: [(String, String)]] = {
        let gzip = [(".gz", ""), (".z", ""), ("-gz", ""), ("-z", ""), ("_z", ""), (".tgz", ".tar"), (".taz", ".tar")]
        let bzip2 = [(".bz2", ""), (".bz", ""), (".tbz2", ".tar"), (".tbz", ".tar")]
        let xz = [(".xz", ""), (".lzma", ""), (".txz", ".tar"), (".tlz", ".tar")]
        let zstd = [(".zst", ""), (".tzst", ".tar")]
        return ["gzip": gzip, "gunzip": gzip, "bzip2": bzip2, "bunzip2": bzip2, "xz": xz, "unxz": xz, "zstd": zstd, "unzstd": zstd]
    }()

    /// `gzip FILE` writes `FILE.gz` beside it and `gunzip FILE.gz` writes `FILE`; each refuses to
    /// replace a file already there unless forced (`-f`), and then that file is gone. So a forced
    /// run is judged by each file it writes, as `>` would be; an unforced one changes files.
    mutating func classifyCompressor(_ name: String, suffixes known: [(String, String)], _ args: [Argument]) {
        let op = "shell:\(name)"
        let options = CommandOptions(args, valued: ["-S", "--suffix", "-o", "-T", "--threads", "-D", "-C", "--check", "-F", "--format", "-M", "--memlimit"])
        add(op, .write, targets: options.operands, "`\(name)` changes files or system state")
        guard options.has("-f", "--force") else { return }
        if let output = options.valueArguments("-o").last?.argument {
            // `zstd -o FILE`: one output, named.
            classifyWrite(to: output, truncates: true, by: "`\(name) -f -o`", operation: op)
            return
        }
        let decompresses = name.hasPrefix("un") || name == "gunzip" || name == "bunzip2" || options.has("-d", "--decompress", "--uncompress")
        var suffixes = known
        if let custom = options.value("-S", "--suffix") { suffixes.insert((custom, ""), at: 0) }
        for operand in options.operands {
            guard let value = operand.value, !operand.isPattern else {
                classifyWrite(to: operand, truncates: true, by: "`\(name) -f`", operation: op)
                continue
            }
            let output: String
            if decompresses {
                // A name without a known suffix is skipped with a warning.
                guard let (suffix, replacement) = suffixes.first(where: { value.hasSuffix($0.0) && value.count > $0.0.count }) else { continue }
                output = String(value.dropLast(suffix.count)) + replacement
            } else {
                output = value + suffixes[0].0
            }
            classifyWrite(to: .known(output), truncates: true, by: "`\(name) -f`", operation: op)
        }
    }
}
