import Foundation
import InterlockStore

/// Opens the audit log of the Interlock home (explicit, else the default), as a one-line error.
package func openAuditLog(home: String?, options: AuditLog.Options = AuditLog.Options()) throws -> AuditLog {
    let resolved = InterlockHome.resolve(explicit: home)
    do {
        return try AuditLog(home: resolved, options: options)
    } catch {
        throw OperationalFailure("cannot open the audit log in \(resolved.directory.path): \(error)")
    }
}
