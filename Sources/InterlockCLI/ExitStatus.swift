import ArgumentParser

/// Exit codes of `interlock` (documented in README.md and `interlock --help`).
///
/// Each outcome has its own code so that scripts never mistake "denied" for "crashed".
public enum ExitStatus {
    /// The action may run (autonomous or supervised); or the command succeeded.
    public static let allow = ExitCode(0)
    /// Interlock itself failed (an internal error, a file it could not read, failing policy tests).
    public static let failure = ExitCode(1)
    /// The action is blocked.
    public static let blocked = ExitCode(2)
    /// The input or the policy is invalid.
    public static let invalid = ExitCode(3)
    /// The action needs human approval first.
    public static let approvalRequired = ExitCode(4)
    /// `interlock audit verify` found the log altered (the first bad index is printed).
    public static let tampered = ExitCode(5)
}
