import InterlockCore

/// Disks, volumes, pools and filesystems, and the kernel's hold on them: LVM, ZFS, btrfs, mdadm,
/// cryptsetup, device-mapper, NVMe and ATA drives, filesystem checkers, mounts and kernel modules.
///
/// These tools act below the files: one word takes a whole volume, pool or disk (`pvcreate
/// /dev/sdb` writes a new label over what the disk held; `zfs receive -F` rolls a dataset back;
/// `xfs_repair -L` throws the log away), so each is read by its verb or mode, and whatever is not
/// known is `unknown`. Taking a mounted filesystem or a loaded driver away (`umount`, `rmmod`,
/// `vgchange -an`) is destructive as stopping a service is: what depends on it fails.
extension ShellAnalysis {

    static let hostStorageTools: Set<String> = [
        "pvs", "vgs", "lvs", "pvdisplay", "vgdisplay", "lvdisplay", "pvscan", "vgscan", "lvscan", "lvmdiskscan", "lvmconfig", "lvm",
        "pvcreate", "vgcreate", "lvcreate", "pvremove", "vgremove", "lvremove", "vgextend", "lvextend", "lvreduce", "lvresize", "vgreduce", "pvresize", "pvmove",
        "pvchange", "vgchange", "lvchange", "lvconvert", "lvrename", "vgrename", "vgcfgbackup", "vgcfgrestore", "vgsplit", "vgmerge",
        "vgimport", "vgexport",
        "zfs", "zpool", "btrfs", "mdadm", "cryptsetup", "dmsetup", "nvme", "hdparm", "smartctl", "badblocks", "sg_format",
        "sg_sanitize", "blockdev", "fallocate",
        "fsck", "e2fsck", "btrfsck", "xfs_repair", "dosfsck", "fsck.vfat", "fsck.ext2", "fsck.ext3", "fsck.ext4", "fsck.xfs", "fsck.btrfs",
        "resize2fs", "xfs_growfs", "tune2fs", "dumpe2fs", "xfs_info", "debugfs", "e2label", "xfs_admin",
        "mount", "umount", "findmnt", "swapon", "swapoff", "losetup", "modprobe", "rmmod", "lsmod", "modinfo",
    ]

    mutating func classifyHostStorage(_ name: String, _ args: [Argument]) {
        let op = "shell:" + name
        // Every word must be known for a verb or mode to be trusted: `zfs $VERB` could be anything.
        if args.contains(where: { $0.value == nil }), !["mount", "umount", "fallocate", "swapon"].contains(name) {
            unknown(op, "`\(name)` with a word computed at run time: which of its commands runs is not known")
            return
        }
        let words = args.compactMap(\.value)
        let operands = args.filter { $0.value?.hasPrefix(ascii: "-") == false || $0.value == nil }
        switch name {
        case "pvs", "vgs", "lvs", "pvdisplay", "vgdisplay", "lvdisplay", "pvscan", "vgscan", "lvscan", "lvmdiskscan", "lvmconfig", "findmnt",
             "lsmod", "modinfo", "dumpe2fs", "xfs_info":
            add(op, .read, "`\(name)` only reports")
        case "lvm":
            // `lvm lvremove …` is `lvremove …`; `lvm` alone is an interactive shell.
            guard let first = args.first?.value, Self.hostStorageTools.contains(first), first != "lvm" else {
                unknown(op, "`lvm` without a known LVM command")
                return
            }
            classifyHostStorage(first, Array(args.dropFirst()))
        case "pvcreate", "vgcreate", "vgextend":
            // vgcreate and vgextend initialise plain disks as physical volumes, as pvcreate does.
            add(op, .destructive, targets: operands.filter { $0.value?.hasPrefix(ascii: "/") == true }, blastRadius: .unknown,
                categories: [.dataLoss], "`\(name)` writes an LVM label over \(Self.list(operands)), erasing what the disk held")
        case "pvremove", "vgremove", "lvremove":
            add(op, .destructive, names: operands, blastRadius: .unknown, categories: [.dataLoss], "`\(name)` removes \(Self.list(operands)) and the data on it")
        case "lvreduce", "vgcfgrestore":
            add(op, .destructive, names: operands, categories: [.dataLoss],
                name == "lvreduce" ? "`lvreduce` shrinks \(Self.list(operands)): what lay beyond the new end is lost"
                                   : "`vgcfgrestore` overwrites the volume group's metadata")
        case "lvresize":
            // `-L +10G` only grows; an absolute or negative size may shrink.
            let sizes = CommandOptions(args, valued: ["-L", "--size", "-l", "--extents"]).allValues("-L", "--size", "-l", "--extents")
            if !sizes.isEmpty, sizes.allSatisfy({ $0.hasPrefix("+") }) {
                add(op, .write, names: operands, "`lvresize` grows \(Self.list(operands))")
            } else {
                add(op, .destructive, names: operands, categories: [.dataLoss], "`lvresize` may shrink \(Self.list(operands)): what lies beyond the new end is lost")
            }
        case "vgreduce":
            if words.contains("--removemissing") {
                add(op, .destructive, names: operands, categories: [.dataLoss], "`vgreduce --removemissing` drops the volumes on missing disks")
            } else {
                add(op, .write, names: operands, "`vgreduce` takes a disk out of a volume group")
            }
        case "pvchange", "vgchange", "lvchange":
            let activation = CommandOptions(args, valued: ["-a", "--activate", "-p", "--permission", "--addtag", "--deltag"]).allValues("-a", "--activate")
            if activation.contains(where: { $0.hasSuffix("n") }) {
                add(op, .destructive, names: operands, "`\(name) -an` deactivates \(Self.list(operands)): whatever is mounted from it fails")
            } else {
                add(op, .write, names: operands, "`\(name)` changes \(Self.list(operands))")
            }
        case "lvconvert":
            if words.contains("--merge") || words.contains("--mergesnapshot") {
                add(op, .destructive, names: operands, categories: [.dataLoss], "`lvconvert --merge` rolls the origin back to the snapshot")
            } else {
                add(op, .write, names: operands, "`lvconvert` changes \(Self.list(operands))")
            }
        case "lvcreate", "lvextend", "pvresize", "pvmove", "lvrename", "vgrename", "vgcfgbackup", "vgsplit", "vgmerge", "vgimport", "vgexport":
            add(op, .write, names: operands, "`\(name)` changes volumes, adding or moving, not removing")
        case "zfs", "zpool":
            classifyZFS(name, args)
        case "btrfs":
            classifyBtrfs(args)
        case "mdadm":
            classifyMdadm(args)
        case "cryptsetup":
            classifyCryptsetup(args)
        case "dmsetup":
            let verb = operands.first?.value ?? ""
            if ["ls", "info", "status", "table", "deps", "targets", "version", "help", "splitname", "measure"].contains(verb) {
                add(op + ":" + verb, .read, "`dmsetup \(verb)` only reports")
            } else if ["remove", "remove_all", "clear", "wipe_table", "suspend"].contains(verb) {
                add(op + ":" + verb, .destructive, names: Array(operands.dropFirst()),
                    "`dmsetup \(verb)` takes a mapped device away or stops its I/O: whatever is on it fails")
            } else if ["create", "load", "reload", "resume", "rename", "message", "mknodes", "udevcomplete", "udevcomplete_all"].contains(verb) {
                add(op + ":" + verb, .write, names: Array(operands.dropFirst()), "`dmsetup \(verb)` changes a mapped device")
            } else {
                unknown(op, "`dmsetup \(verb)` is not catalogued")
            }
        case "nvme":
            classifyNVMe(args)
        case "hdparm":
            classifyHdparm(args)
        case "smartctl":
            // `-t` starts a self-test, `-s`/`-o`/`-S` switch features; the rest report.
            if words.contains(where: { ["-t", "--test", "-s", "--smart", "-o", "--offlineauto", "-S", "--saveauto", "-X", "--abort"].contains($0) || $0.hasPrefix("--test=") || $0.hasPrefix("--smart=") }) {
                add(op, .write, names: operands, "`smartctl` starts a drive self-test or changes a drive setting")
            } else {
                add(op, .read, "`smartctl` reads the drive's health")
            }
        case "badblocks":
            if words.contains(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("w") }) {
                add(op, .destructive, targets: operands, blastRadius: .unknown, categories: [.dataLoss], "`badblocks -w` writes test patterns over the whole device")
            } else if words.contains(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("n") }) {
                add(op, .write, targets: operands, "`badblocks -n` rewrites each block with what it held")
            } else {
                add(op, .read, "`badblocks` reads the device")
            }
        case "sg_format", "sg_sanitize":
            add(op, .destructive, targets: operands, blastRadius: .unknown, categories: [.dataLoss], "`\(name)` erases the whole device")
        case "blockdev":
            if words.allSatisfy({ !$0.hasPrefix("--") || $0.hasPrefix("--get") || $0 == "--report" || $0 == "-q" || $0 == "-v" }) {
                add(op, .read, "`blockdev` reports device settings")
            } else {
                add(op, .write, targets: operands, "`blockdev` changes device settings or flushes its buffers")
            }
        case "fallocate":
            classifyFallocate(args)
        case "fsck", "e2fsck", "btrfsck", "xfs_repair", "dosfsck", "fsck.vfat", "fsck.ext2", "fsck.ext3", "fsck.ext4", "fsck.xfs", "fsck.btrfs":
            let flags = CommandOptions(args, valued: ["-t", "-b", "-B", "-C", "-E", "-j", "-l", "-L", "-z", "-m", "-c", "-o", "-l", "-r"]).flags
            let clusters = words.filter { $0.hasPrefix("-") && !$0.hasPrefix("--") }
            if name == "xfs_repair", flags.contains("-L") {
                add(op, .destructive, targets: operands, categories: [.dataLoss], "`xfs_repair -L` zeroes the log: changes it held are lost")
            } else if clusters.contains(where: { $0.contains("n") }) || words.contains("--dry-run") || name == "btrfsck" && !words.contains("--repair") {
                add(op, .read, "`\(name)` checks without changing anything")
            } else {
                add(op, .destructive, targets: operands, blastRadius: .unknown,
                    "`\(name)` repairs the filesystem in place, discarding what it cannot fix; on a mounted filesystem it corrupts it")
            }
        case "resize2fs", "xfs_growfs":
            if name == "xfs_growfs", words.contains("-n") {
                add(op, .read, "`xfs_growfs -n` reports the geometry")
            } else {
                add(op, .write, targets: operands, "`\(name)` resizes the filesystem")
            }
        case "tune2fs", "e2label", "xfs_admin":
            let readOnly = name == "tune2fs" ? words.allSatisfy { $0 == "-l" || !$0.hasPrefix("-") }
                : name == "e2label" ? operands.count <= 1 : words.allSatisfy { ["-l", "-u", "-r"].contains($0) || !$0.hasPrefix("-") }
            if readOnly, !words.isEmpty {
                add(op, .read, "`\(name)` prints the filesystem's settings")
            } else {
                add(op, .write, targets: operands, "`\(name)` changes the filesystem's settings")
            }
        case "debugfs":
            if words.contains(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("w") }) {
                add(op, .destructive, targets: operands, blastRadius: .unknown, categories: [.dataLoss],
                    "`debugfs -w` edits the filesystem's structures directly: any file or inode can be removed")
            } else {
                add(op, .read, "`debugfs` opens the filesystem read-only")
            }
        case "mount":
            classifyMount(args)
        case "umount":
            let mountPoints = operands
            add(op, .destructive, targets: mountPoints, blastRadius: words.contains(where: { $0 == "-a" || $0 == "--all" }) ? .unknown : nil,
                "`umount` takes \(mountPoints.isEmpty ? "every filesystem" : Self.list(mountPoints)) away: whatever uses it fails")
        case "swapon":
            if words.isEmpty || words.contains(where: { ["-s", "--summary", "--show"].contains($0) || $0.hasPrefix("--show=") }) {
                add(op, .read, "`swapon` lists swap areas")
            } else {
                add(op, .write, targets: operands, "`swapon` enables swap")
            }
        case "swapoff":
            add(op, .write, targets: operands, "`swapoff` disables swap")
        case "losetup":
            if words.isEmpty || words.allSatisfy({ ["-a", "--all", "-l", "--list", "-J", "--json", "-n", "--noheadings", "-O", "--output", "-j", "--associated"].contains($0) || !$0.hasPrefix("-") }) && operands.count <= 1 && !words.contains(where: { !$0.hasPrefix("-") && !$0.hasPrefix("/dev/") }) {
                add(op, .read, "`losetup` lists loop devices")
            } else {
                add(op, .write, targets: operands, "`losetup` attaches or detaches a loop device")
            }
        case "modprobe", "rmmod":
            let options = CommandOptions(args, valued: ["-C", "--config", "-d", "--dirname", "-S", "--set-version", "-o"])
            if name == "modprobe", options.has("-n", "--dry-run", "--show", "-c", "--showconfig", "-D", "--show-depends", "--show-modversions", "--dump-modversions", "--show-exports") {
                add(op, .read, "`modprobe` shows what it would load")
            } else if name == "rmmod" || options.has("-r", "--remove") {
                add(op, .destructive, names: options.operands,
                    "`\(name)` unloads \(Self.list(options.operands)) from the kernel: the devices it drives go away")
            } else {
                add(op, .write, names: options.operands, "`modprobe` loads \(Self.list(options.operands)) into the kernel")
            }
        default:
            unknown(op, "`\(name)` is not catalogued")
        }
    }

    /// `mount`: lists without a device or mount point; remounting read-only stops every writer.
    private mutating func classifyMount(_ args: [Argument]) {
        let options = CommandOptions(args, valued: ["-t", "--types", "-o", "--options", "-O", "--test-opts", "-L", "--label", "-U", "--uuid", "-N", "--namespace", "-T", "--fstab", "--target", "--source", "--bind"])
        let mountOptions = options.allValues("-o", "--options").flatMap { $0.pieces(between: ",").map(String.init) }
        if options.operands.isEmpty, !options.has("-a", "--all"), options.value("--target", "--source", "-L", "--label", "-U", "--uuid") == nil {
            add("shell:mount", .read, "`mount` lists mounts")
        } else if mountOptions.contains("remount"), mountOptions.contains("ro") {
            add("shell:mount", .destructive, targets: options.operands, "`mount -o remount,ro` makes \(Self.list(options.operands)) read-only: every writer fails")
        } else {
            add("shell:mount", .write, targets: options.operands.suffix(1),
                "`mount` mounts a filesystem on \(Self.list(Array(options.operands.suffix(1)))), hiding what the directory held")
        }
    }

    /// `fallocate`: reserving space only adds; punching, collapsing or zeroing a range loses it.
    private mutating func classifyFallocate(_ args: [Argument]) {
        let options = CommandOptions(args, valued: ["-o", "--offset", "-l", "--length"])
        if options.has("-p", "--punch-hole", "-c", "--collapse-range", "-z", "--zero-range") {
            add("shell:fallocate", .destructive, targets: options.operands, categories: [.dataLoss],
                "`fallocate` punches, collapses or zeroes a range of \(Self.list(options.operands)): what it held is lost")
        } else {
            add("shell:fallocate", .write, targets: options.operands, "`fallocate` reserves space in \(Self.list(options.operands))")
        }
    }

    /// The first word of `args` that is not an option, and its index.
    private static func firstWord(_ args: [Argument], from start: Int = 0) -> (index: Int, word: String)? {
        var index = start
        while index < args.count {
            if let value = args[index].value, !value.hasPrefix(ascii: "-") { return (index, value) }
            index += 1
        }
        return nil
    }

    static let zfsReads: Set<String> = ["list", "get", "holds", "diff", "userspace", "groupspace", "projectspace", "version", "help", "send", "status", "iostat", "history", "events", "wait"]
    static let zfsWrites: Set<String> = [
        "snapshot", "snap", "create", "set", "clone", "rename", "receive", "recv", "mount", "promote", "inherit", "hold", "release", "bookmark",
        "upgrade", "share", "unshare", "load-key", "change-key", "redact", "add", "attach", "online", "import", "clear", "scrub", "trim",
        "initialize", "resilver", "reopen", "reguid", "sync", "checkpoint",
    ]

    /// `zfs receive -F`, alone or in a cluster of single-letter options.
    private static func forcesRollback(_ flag: String) -> Bool { !flag.hasPrefix("--") && flag.contains("F") }

    /// `zfs` and `zpool` by their verb.
    private mutating func classifyZFS(_ name: String, _ args: [Argument]) {
        guard let (index, verb) = Self.firstWord(args) else {
            add("shell:" + name, .read, "`\(name)` prints its usage")
            return
        }
        let op = "shell:\(name):\(verb)"
        let rest = Array(args[(index + 1)...])
        let objects = rest.filter { $0.value.map { !$0.hasPrefix(ascii: "-") } ?? true }
        let flags = rest.compactMap(\.value).filter { $0.hasPrefix("-") }
        switch verb {
        case "destroy", "rollback", "labelclear":
            add(op, .destructive, names: objects, categories: [.dataLoss], "`\(name) \(verb)` destroys data")
        case "create" where name == "zpool":
            add(op, .destructive, names: objects, blastRadius: .unknown, categories: [.dataLoss], "`zpool create` writes new labels over the disks it names, erasing them")
        case "receive" where flags.contains(where: Self.forcesRollback), "recv" where flags.contains(where: Self.forcesRollback):
            add(op, .destructive, names: objects, categories: [.dataLoss], "`zfs receive -F` rolls the dataset back and destroys snapshots that are not in the stream")
        case "checkpoint" where flags.contains("-d") || flags.contains("--discard"):
            add(op, .destructive, names: objects, categories: [.dataLoss], "`zpool checkpoint --discard` throws the pool's checkpoint away")
        case "unmount", "umount", "unload-key", "export", "offline", "detach", "remove", "split", "replace":
            add(op, .destructive, names: objects, "`\(name) \(verb)` takes a dataset, pool or disk away from what uses it")
        case "allow", "unallow":
            add(op, .destructive, names: objects, categories: [.permissionChange], "`zfs \(verb)` changes who may administer datasets")
        case "events" where flags.contains(where: { $0.contains("c") }):
            add(op, .write, names: objects, "`zpool events -c` clears the event log")
        case _ where Self.zfsReads.contains(verb):
            add(op, .read, "`\(name) \(verb)` only reads")
        case _ where Self.zfsWrites.contains(verb):
            add(op, .write, names: objects, "`\(name) \(verb)` creates or changes datasets or pools, removing nothing")
        default:
            unknown(op, "`\(name) \(verb)` is not catalogued")
        }
    }

    /// btrfs's command groups and their commands, each group's first entry its name. btrfs takes
    /// any unambiguous prefix of a group or command (`btrfs sub del` is `subvolume delete`).
    static let btrfsCommands: [String: [String]] = [
        "subvolume": ["create", "delete", "find-new", "get-default", "list", "set-default", "show", "snapshot", "sync"],
        "filesystem": ["defragment", "df", "du", "label", "resize", "show", "sync", "usage", "mkswapfile"],
        "device": ["add", "delete", "remove", "ready", "scan", "stats", "usage"],
        "balance": ["start", "pause", "cancel", "resume", "status"],
        "scrub": ["start", "cancel", "resume", "status", "limit"],
        "quota": ["enable", "disable", "rescan", "status"],
        "qgroup": ["assign", "remove", "create", "destroy", "show", "limit", "clear-stale"],
        "property": ["get", "set", "list"],
        "replace": ["start", "status", "cancel"],
        "rescue": ["chunk-recover", "super-recover", "zero-log", "fix-device-size", "clear-uuid-tree", "clear-ino-cache", "clear-space-cache", "fix-data-checksum"],
        "inspect-internal": ["inode-resolve", "logical-resolve", "subvolid-resolve", "rootid", "min-dev-size", "dump-tree", "dump-super", "tree-stats", "map-swapfile", "list-chunks"],
        "send": [], "receive": [], "check": [], "restore": [], "select-super": [], "version": [], "help": [],
    ]

    /// The one entry of `names` that `word` names in full or by an unambiguous prefix.
    private static func btrfsResolve(_ word: String, _ names: some Collection<String>) -> String? {
        if names.contains(word) { return word }
        let matches = names.filter { $0.hasPrefix(word) }
        return matches.count == 1 ? matches.first : nil
    }

    private mutating func classifyBtrfs(_ args: [Argument]) {
        guard let (groupIndex, groupWord) = Self.firstWord(args) else {
            add("shell:btrfs", .read, "`btrfs` prints its usage")
            return
        }
        guard let group = Self.btrfsResolve(groupWord, Self.btrfsCommands.keys) else {
            unknown("shell:btrfs", "`btrfs \(groupWord)` is not a command btrfs has, or names more than one")
            return
        }
        let commands = Self.btrfsCommands[group]!
        var command = ""
        var rest = Array(args[(groupIndex + 1)...])
        if !commands.isEmpty {
            if let (index, word) = Self.firstWord(rest) {
                guard let resolved = Self.btrfsResolve(word, commands) else {
                    // `btrfs balance /mnt` (the old form of `balance start`) and unknown commands.
                    if group == "balance" {
                        add("shell:btrfs:balance", .write, targets: [args[groupIndex + 1 + index]], "`btrfs balance` rewrites the filesystem's chunks")
                    } else {
                        unknown("shell:btrfs:" + group, "`btrfs \(group) \(word)` is not a command btrfs has, or names more than one")
                    }
                    return
                }
                command = resolved
                rest = Array(rest[(index + 1)...])
            }
        }
        let op = "shell:btrfs:" + group + (command.isEmpty ? "" : ":" + command)
        let said = "`btrfs \(group)\(command.isEmpty ? "" : " " + command)`"
        let objects = rest.filter { $0.value.map { !$0.hasPrefix(ascii: "-") } ?? true }
        let flags = rest.compactMap(\.value).filter { $0.hasPrefix("-") }
        switch (group, command) {
        case ("subvolume", "delete"), ("device", "delete"), ("device", "remove"), ("qgroup", "destroy"):
            add(op, .destructive, targets: objects, categories: [.dataLoss], "\(said) deletes \(Self.list(objects)) with everything in it")
        case ("rescue", _), ("select-super", _):
            add(op, .destructive, targets: objects, blastRadius: .unknown, categories: [.dataLoss], "\(said) rewrites the filesystem's metadata in place")
        case ("check", _) where flags.contains(where: { ["--repair", "--init-csum-tree", "--init-extent-tree", "--clear-space-cache"].contains($0) || $0.hasPrefix("--clear-space-cache=") }):
            add(op, .destructive, targets: objects, blastRadius: .unknown, categories: [.dataLoss], "\(said) --repair rewrites the filesystem, discarding what it cannot fix")
        case ("filesystem", "label") where objects.count < 2, ("property", "get"), ("property", "list"), ("check", _), ("send", _), ("inspect-internal", _),
             ("version", _), ("help", _), ("filesystem", "df"), ("filesystem", "du"), ("filesystem", "show"), ("filesystem", "usage"),
             ("subvolume", "list"), ("subvolume", "show"), ("subvolume", "get-default"), ("subvolume", "find-new"), ("device", "usage"),
             ("device", "ready"), ("balance", "status"), ("scrub", "status"), ("replace", "status"), ("quota", "status"), ("qgroup", "show"):
            if group == "send", let file = CommandOptions(rest, valued: ["-f", "-p", "-c"]).valueArguments("-f").last?.argument {
                classifyWrite(to: file, truncates: true, by: "`btrfs send -f`", operation: op)
                return
            }
            if group == "device", command == "stats", flags.contains(where: { $0 == "-z" || $0 == "--reset" }) { break }
            add(op, .read, "\(said) only reads")
            return
        case ("device", "stats"):
            add(op, flags.contains(where: { $0 == "-z" || $0 == "--reset" }) ? .write : .read, "\(said) reports (with `-z`, resets) device error counters")
            return
        default:
            add(op, .write, targets: objects, "\(said) changes the filesystem, removing nothing")
            return
        }
        add(op, .write, targets: objects, "\(said) resets device error counters")
    }

    /// `mdadm` by its mode and the actions its options name.
    private mutating func classifyMdadm(_ args: [Argument]) {
        let words = args.compactMap(\.value)
        let devices = args.filter { $0.value.map { !$0.hasPrefix(ascii: "-") } ?? true }
        let destructive = ["--stop", "-S", "--zero-superblock", "--fail", "-f", "--remove", "-r", "--create", "-C", "--build", "-B", "--kill-subarray", "--update-subarray"]
        let reads = ["--detail", "-D", "--examine", "-E", "--query", "-Q", "--detail-platform", "--examine-bitmap", "-X", "--scan", "-s", "--brief", "-b", "--verbose", "-v", "--export", "-Y", "--version", "-V", "--help", "-h", "--test", "-t"]
        if let flag = words.first(where: { word in destructive.contains(word) || word.hasPrefix("--create=") }) {
            add("shell:mdadm", .destructive, names: devices, blastRadius: .unknown, categories: [.dataLoss],
                "`mdadm \(flag)` stops an array, fails or removes a disk, or writes new superblocks over disks")
        } else if !words.isEmpty, words.allSatisfy({ reads.contains($0) || !$0.hasPrefix("-") }), words.contains(where: { reads.contains($0) }) {
            add("shell:mdadm", .read, "`mdadm` reports on arrays")
        } else {
            add("shell:mdadm", .write, names: devices, "`mdadm` assembles, grows or adds to an array")
        }
    }

    /// `cryptsetup` by its action: erasing or reformatting a LUKS header, or removing its keys,
    /// makes the data unreadable for good.
    private mutating func classifyCryptsetup(_ args: [Argument]) {
        guard let (index, action) = Self.firstWord(args) else {
            add("shell:cryptsetup", .read, "`cryptsetup` prints its usage")
            return
        }
        let op = "shell:cryptsetup:" + action
        let objects = args[(index + 1)...].filter { $0.value.map { !$0.hasPrefix(ascii: "-") } ?? true }
        switch action {
        case "erase", "luksErase", "luksFormat", "luksKillSlot", "luksRemoveKey", "luksHeaderRestore", "reencrypt", "convert", "repair", "tcryptFormat":
            add(op, .destructive, targets: objects, blastRadius: .unknown, categories: [.dataLoss], "`cryptsetup \(action)` rewrites or removes the keys that unlock the device")
        case "close", "luksClose", "remove", "luksSuspend", "suspend":
            add(op, .destructive, names: objects, "`cryptsetup \(action)` locks an open device: whatever is mounted from it fails")
        case "status", "luksDump", "isLuks", "luksUUID", "tcryptDump", "bitlkDump", "fvault2Dump", "benchmark":
            add(op, .read, "`cryptsetup \(action)` only reads")
        case "token" where objects.first?.value == "export":
            add(op, .read, "`cryptsetup token export` only reads")
        case "open", "luksOpen", "create", "plainOpen", "loopaesOpen", "tcryptOpen", "bitlkOpen", "luksAddKey", "luksChangeKey", "luksConvertKey", "resize",
             "refresh", "config", "luksHeaderBackup", "luksResume", "resume", "token":
            add(op, .write, targets: objects, "`cryptsetup \(action)` opens a device or adds or changes a key")
        default:
            unknown(op, "`cryptsetup \(action)` is not catalogued")
        }
    }

    /// `nvme` by its command.
    private mutating func classifyNVMe(_ args: [Argument]) {
        guard let (index, command) = Self.firstWord(args) else {
            add("shell:nvme", .read, "`nvme` prints its usage")
            return
        }
        let op = "shell:nvme:" + command
        let devices = args[(index + 1)...].filter { $0.value.map { !$0.hasPrefix(ascii: "-") } ?? true }
        switch command {
        case "format", "sanitize", "delete-ns", "write-zeroes", "write-uncor", "dsm", "write":
            add(op, .destructive, targets: devices, blastRadius: .unknown, categories: [.dataLoss], "`nvme \(command)` erases, deallocates or overwrites data on the drive")
        case "detach-ns", "reset", "subsystem-reset", "fw-commit", "fw-activate", "fw-download", "fw-update":
            add(op, .destructive, targets: devices, "`nvme \(command)` takes the drive or a namespace away from its users, or replaces its firmware")
        case "list", "list-subsys", "id-ctrl", "id-ns", "id-ns-granularity", "id-nvmset", "id-uuid", "id-domain", "id-iocs", "list-ns", "list-ctrl",
             "smart-log", "error-log", "fw-log", "effects-log", "endurance-log", "get-feature", "get-log", "telemetry-log", "show-regs",
             "version", "help", "show-hostnqn", "read", "compare", "verify", "sanitize-log", "ana-log", "persistent-event-log", "lba-status", "resv-report",
             "self-test-log", "supported-log-pages", "primary-ctrl-caps", "list-secondary", "get-ns-id", "discover":
            add(op, .read, "`nvme \(command)` only reads")
        case "create-ns", "attach-ns", "set-feature", "flush", "device-self-test", "connect", "connect-all", "disconnect", "disconnect-all", "gen-hostnqn",
             "resv-register", "resv-acquire", "resv-release", "set-property":
            add(op, .write, targets: devices, "`nvme \(command)` changes the drive's setup")
        default:
            unknown(op, "`nvme \(command)` is not catalogued")
        }
    }

    /// `hdparm`: most options read or tune the drive; a few erase it, or overwrite sectors.
    private mutating func classifyHdparm(_ args: [Argument]) {
        let words = args.compactMap(\.value)
        let devices = args.filter { $0.value.map { $0.hasPrefix(ascii: "/") } ?? true }
        let erasing = ["--security-erase", "--security-erase-enhanced", "--trim-sector-ranges", "--trim-sector-ranges-stdin", "--write-sector",
                       "--make-bad-sector", "--dco-restore", "--dco-setmax", "--security-set-pass", "--fwdownload", "--fwdownload-mode3",
                       "--fwdownload-mode3-max", "--fwdownload-mode7", "--fibmap", "--set-sector-size"]
        let reading = ["-I", "-i", "-t", "-T", "-g", "-C", "-H", "--read-sector", "--Istdout", "--Istdin", "-v", "-h", "--help", "-V", "--verbose", "--offset", "--direct"]
        if let flag = words.first(where: { erasing.contains($0) }) {
            add("shell:hdparm", .destructive, targets: devices, blastRadius: .unknown, categories: [.dataLoss],
                "`hdparm \(flag)` erases, overwrites, locks or reflashes the drive")
        } else if !words.isEmpty, words.allSatisfy({ reading.contains($0) || !$0.hasPrefix("-") || $0.count > 2 && !$0.hasPrefix("--") && $0.dropFirst().allSatisfy({ "iItTgCHv".contains($0) }) }) {
            add("shell:hdparm", .read, "`hdparm` reports on the drive")
        } else {
            add("shell:hdparm", .write, targets: devices, "`hdparm` changes the drive's settings")
        }
    }
}
