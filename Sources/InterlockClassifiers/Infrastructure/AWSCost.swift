import InterlockCore

/// A rough price for the AWS calls that start paying for something by the hour: what the first
/// day of what the call launches costs at on-demand list prices (Linux, us-east-1), in US dollars.
/// Good enough for a budget to notice fifty GPU instances; not a bill. Launches of a size the table
/// does not list are priced from their vCPU count at a deliberately high rate, so an unknown type
/// never looks free.
public enum AWSCost {
    /// One day of what the call starts, or nil when the call starts nothing billed by the hour.
    public static func firstDayUSD(service rawService: String, operation rawOperation: String, parameters: JSONValue) -> Double? {
        let service = AWSOperation.normalizedService(rawService)
        switch (service, AWSOperation.lookupKey(AWSOperation.pascalCase(rawOperation))) {
        case ("ec2", "runinstances"):
            let type = string(parameters, "InstanceType") ?? "m1.small"  // the API's default type
            // The API's MaxCount, or the CLI's `--count N` / `--count MIN:MAX`: the most it may launch.
            let count = integer(parameters, "MaxCount") ?? integer(parameters, "Count") ?? integer(parameters, "MinCount") ?? 1
            return hourlyEC2(type) * Double(max(count, 1)) * 24
        case ("rds", "createdbinstance"):
            // Database engines cost about twice the instance they run on; Multi-AZ keeps a standby.
            let requested = string(parameters, "DBInstanceClass") ?? "db.m5.large"
            let type = requested.hasPrefix("db.") ? String(requested.dropFirst(3)) : requested
            let standby = AWSOperation.parameter(parameters, "MultiAZ").map(isTrue) == true ? 2.0 : 1.0
            return hourlyEC2(type) * 2 * standby * 24
        case ("eks", "createcluster"):
            return 0.10 * 24
        case ("ec2", "createnatgateway"):
            return 0.045 * 24
        default:
            return nil
        }
    }

    /// On-demand hourly list prices of common types (Linux, us-east-1).
    static let listedHourly: [String: Double] = [
        "t2.micro": 0.0116, "t2.small": 0.023, "t2.medium": 0.0464, "t2.large": 0.0928,
        "t3.nano": 0.0052, "t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "t3.xlarge": 0.1664, "t3.2xlarge": 0.3328,
        "m1.small": 0.044,
        "m5.large": 0.096, "m5.xlarge": 0.192, "m5.2xlarge": 0.384, "m5.4xlarge": 0.768, "m5.8xlarge": 1.536, "m5.12xlarge": 2.304, "m5.24xlarge": 4.608,
        "m6i.large": 0.096, "m6i.xlarge": 0.192, "m6i.2xlarge": 0.384, "m6i.4xlarge": 0.768,
        "c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34, "c5.4xlarge": 0.68, "c5.9xlarge": 1.53,
        "r5.large": 0.126, "r5.xlarge": 0.252, "r5.2xlarge": 0.504, "r5.4xlarge": 1.008,
        "g4dn.xlarge": 0.526, "g4dn.12xlarge": 3.912, "g5.xlarge": 1.006,
        "p3.2xlarge": 3.06, "p3.8xlarge": 12.24, "p3.16xlarge": 24.48, "p4d.24xlarge": 32.7726,
    ]

    /// The listed price, else vCPUs (from the size) at $0.10 an hour each, or $1.50 for
    /// accelerated families: above what such types cost.
    static func hourlyEC2(_ type: String) -> Double {
        let type = type.lowercased()
        if let listed = listedHourly[type] { return listed }
        let parts = type.split(separator: ".", maxSplits: 1)
        let family = parts.first.map(String.init) ?? ""
        let size = parts.count > 1 ? String(parts[1]) : "large"
        let vcpus: Double
        switch size {
        case "nano", "micro", "small", "medium", "large": vcpus = 2
        case "xlarge": vcpus = 4
        case "metal": vcpus = 192
        default:
            if size.hasSuffix("xlarge"), let n = Double(size.dropLast("xlarge".count)) { vcpus = 4 * n } else { vcpus = 192 }
        }
        let accelerated = ["p", "g", "inf", "trn", "dl", "f", "vt"].contains { family.hasPrefix($0) && family.dropFirst($0.count).first?.isNumber == true }
        return vcpus * (accelerated ? 1.50 : 0.10)
    }

    private static func string(_ parameters: JSONValue, _ name: String) -> String? {
        AWSOperation.parameter(parameters, name)?.stringValue
    }

    /// Query-protocol parameters arrive as text (`"3"`), JSON ones as numbers; a range (`1:3`)
    /// counts as its upper end.
    private static func integer(_ parameters: JSONValue, _ name: String) -> Int? {
        guard let value = AWSOperation.parameter(parameters, name) else { return nil }
        if let n = value.intValue { return Int(clamping: n) }
        return value.stringValue.flatMap { Int($0.pieces(between: ":").last ?? "") }
    }

    private static func isTrue(_ value: JSONValue) -> Bool {
        value.boolValue == true || value.stringValue?.lowercased() == "true"
    }
}
