// swift-tools-version: 6.1
import PackageDescription

// The dependency rule (ARCHITECTURE.md): InterlockCore is the vocabulary; the decision core
// (InterlockClassifiers, InterlockPolicy) does no I/O; only the edges (InterlockCLI, later the
// server and proxies) talk to the outside world.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Interlock",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "interlock", targets: ["interlock"]),
        .executable(name: "interlock-hook", targets: ["interlock-hook"]),
        .library(name: "InterlockCore", targets: ["InterlockCore"]),
        .library(name: "InterlockPolicy", targets: ["InterlockPolicy"]),
        .library(name: "InterlockClassifiers", targets: ["InterlockClassifiers"]),
        .library(name: "InterlockSyntax", targets: ["InterlockSyntax"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Vocabulary: actions, facts, decisions, the action digest. No I/O.
        .target(
            name: "InterlockCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Parsers for the languages agents act in (shell, SQL). No dependencies at all, so the
        // fuzzing harnesses can compile them alone with `-sanitize=fuzzer`.
        .target(
            name: "InterlockSyntax",
            swiftSettings: strictSettings
        ),
        // Pure functions from a raw action to facts. Never verdicts.
        .target(
            name: "InterlockClassifiers",
            dependencies: ["InterlockCore", "InterlockSyntax", "Yams"],
            swiftSettings: strictSettings
        ),
        // The policy language: YAML → validated policy → decisions. No I/O beyond parsing text it is given.
        .target(
            name: "InterlockPolicy",
            dependencies: ["InterlockCore", "Yams"],
            swiftSettings: strictSettings
        ),
        // The approval queue's rules (four eyes, timeouts, one-time use) as pure state machines.
        .target(
            name: "InterlockApprovals",
            dependencies: ["InterlockCore", "InterlockPolicy"],
            swiftSettings: strictSettings
        ),
        // The audit log's pure parts: entry encoding, RFC 6962 Merkle tree and proofs, signed
        // checkpoints, redaction, verification. No I/O: the store feeds it rows.
        .target(
            name: "InterlockAudit",
            dependencies: ["InterlockCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The embedded store: one SQLite file (GRDB) under the Interlock home, plus key and
        // checkpoint files beside it.
        .target(
            name: "InterlockStore",
            dependencies: [
                "InterlockCore", "InterlockAudit", "InterlockApprovals",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The decision service every door shares: classify, decide, apply the kill switch, grants,
        // limits, anomaly rules and the approval queue, and record it all before answering.
        .target(
            name: "InterlockGateway",
            dependencies: [
                "InterlockCore", "InterlockPolicy", "InterlockClassifiers", "InterlockAudit", "InterlockStore", "InterlockApprovals",
            ],
            swiftSettings: strictSettings
        ),
        // Edge: `interlock serve`, the HTTP decision API on Hummingbird, its metrics and webhooks.
        .target(
            name: "InterlockServer",
            dependencies: [
                "InterlockCore", "InterlockPolicy", "InterlockAudit", "InterlockStore", "InterlockApprovals", "InterlockGateway",
                "InterlockConsole",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The approver console's pages without their server: Mustache templates, styles and the one
        // script, all compiled into the binary; the pages' view data; CSRF and security headers;
        // form decoding; highlighting of commands and SQL for display.
        .target(
            name: "InterlockConsole",
            dependencies: ["InterlockCore", .product(name: "Mustache", package: "swift-mustache"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // What a door needs to decide without the argument parser or an HTTP stack: the hook
        // runner, the door's decider (local store and policy; a gateway through a transport the
        // program supplies), failing closed. `interlock-hook` is this and nothing else.
        .target(
            name: "InterlockDoors",
            dependencies: [
                "InterlockCore", "InterlockPolicy", "InterlockClassifiers", "InterlockStore", "InterlockGateway", "InterlockIntegrations",
            ],
            swiftSettings: strictSettings
        ),
        // Edge adapters that speak a host's protocol: Claude Code and Kiro hooks, the MCP proxy's
        // message handling. Pure translation between host payloads, actions and verdicts; the CLI
        // does their I/O.
        .target(
            name: "InterlockIntegrations",
            dependencies: ["InterlockCore", "InterlockPolicy"],
            swiftSettings: strictSettings
        ),
        // The AWS door without its sockets: Signature Version 4 both ways, aws-chunked bodies, AWS
        // error shapes, the proxy's configuration and the steps from a verified request to a
        // re-signed one. The CLI's `aws-proxy` does the I/O.
        .target(
            name: "InterlockAWS",
            dependencies: [
                "InterlockCore", "InterlockPolicy", "InterlockClassifiers",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        // Edge: the command-line interface.
        .target(
            name: "InterlockCLI",
            dependencies: [
                "InterlockCore", "InterlockPolicy", "InterlockClassifiers", "InterlockAudit", "InterlockStore", "InterlockApprovals",
                "InterlockGateway", "InterlockServer", "InterlockIntegrations", "InterlockAWS", "InterlockDoors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "interlock",
            dependencies: ["InterlockCLI"],
            swiftSettings: strictSettings
        ),
        // The hook alone, for hosts that start it on every tool call: a small program that starts
        // in a fraction of `interlock`'s time (README: built statically for the fastest start).
        .executableTarget(
            name: "interlock-hook",
            dependencies: ["InterlockDoors", "InterlockIntegrations"],
            swiftSettings: strictSettings
        ),
        // Release-build benchmarks: `swift run -c release interlock-benchmarks`. Not part of `swift test`.
        .executableTarget(
            name: "InterlockBenchmarks",
            dependencies: [
                "InterlockCore", "InterlockPolicy", "InterlockClassifiers", "InterlockSyntax", "InterlockAudit", "InterlockStore", "InterlockAWS",
                "InterlockGateway", .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockCoreTests",
            dependencies: ["InterlockCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockPolicyTests",
            dependencies: [
                "InterlockCore", "InterlockPolicy", "InterlockClassifiers",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Corpus")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockClassifiersTests",
            dependencies: ["InterlockCore", "InterlockClassifiers", "InterlockSyntax", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Corpus")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockSyntaxTests",
            dependencies: ["InterlockSyntax", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockAuditTests",
            dependencies: [
                "InterlockCore", "InterlockAudit", "InterlockStore", "InterlockApprovals",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Corpus")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockApprovalsTests",
            dependencies: ["InterlockCore", "InterlockApprovals", "InterlockPolicy", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockCLITests",
            dependencies: [
                "InterlockCore", "InterlockAudit", "InterlockStore", "InterlockAWS", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockIntegrationsTests",
            dependencies: ["InterlockCore", "InterlockPolicy", "InterlockIntegrations", "InterlockClassifiers"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockAWSTests",
            dependencies: ["InterlockCore", "InterlockAWS", "InterlockPolicy", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockConsoleTests",
            dependencies: ["InterlockConsole"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InterlockGatewayTests",
            dependencies: [
                "InterlockCore", "InterlockClassifiers", "InterlockPolicy", "InterlockApprovals", "InterlockAudit", "InterlockStore", "InterlockGateway",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
