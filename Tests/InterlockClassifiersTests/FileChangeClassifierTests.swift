import InterlockClassifiers
import InterlockCore
import Testing

@Suite struct FileChangeClassifierTests {
    func facts(_ path: String, _ kind: FileChange.Kind = .write, content: String = "echo hi\n") -> Classification {
        FileChangeClassifier().classify(Action(principal: Principal(agent: "t"), channel: .hook, input: .file(FileChange(path: path, kind: kind, content: content))))!
    }

    @Test func ordinaryFilesAreWrites() {
        #expect(facts("/home/dev/project/src/main.swift").effect == .write)
        #expect(facts("/home/dev/project/.git/hooks/pre-commit.sample", .delete).effect == .destructive)
    }

    /// Files something else runs later: the write plants an action Interlock will not see happen.
    @Test func codeThatRunsLaterIsUnknown() {
        for path in ["/home/dev/project/.git/hooks/pre-commit", "/home/dev/.bashrc", "/etc/cron.d/cleanup", "/etc/systemd/system/x.service",
                     "/home/dev/project/.husky/pre-push", "/home/dev/project/.git/config", "/etc/profile.d/x.sh"] {
            let result = facts(path)
            #expect(result.effect == .unknown, "\(path)")
            #expect(result.categories.contains(.opaqueExecution), "\(path)")
        }
        #expect(facts("/home/dev/project/.git/hooks/pre-commit", .edit).effect == .unknown)
    }

    @Test func loginAccessIsAPermissionChange() {
        for path in ["/home/dev/.ssh/authorized_keys", "/etc/sudoers.d/agent", "/etc/passwd"] {
            let result = facts(path)
            #expect(result.effect == .destructive, "\(path)")
            #expect(result.categories.contains(.permissionChange), "\(path)")
        }
    }
}
