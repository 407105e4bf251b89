// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Protocol-agnostic AWS wire layer: model types, value tree, protocol codecs, SigV4, errors.
        .target(
            name: "SwitchyardWire",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Code generated from the botocore models by tools/codegen; never edited by hand.
        .target(
            name: "SwitchyardModels",
            dependencies: ["SwitchyardWire"]
        ),
        // Shared runtime pieces every service uses: clocks, group-committing SQLite writer.
        .target(
            name: "SwitchyardCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What every service module plugs into: the module protocol, service endpoints, the
        // credential directory, and the planned services' model-only endpoints.
        .target(
            name: "SwitchyardPlatform",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Amazon SQS domain logic and its storage implementations.
        .target(
            name: "SwitchyardSQS",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardDelivery",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The one internal delivery mechanism every producer uses to reach every target kind.
        .target(
            name: "SwitchyardDelivery",
            dependencies: [
                "SwitchyardCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Amazon SNS domain logic and its storage (in progress: operations not built yet answer NotImplemented).
        // Amazon EventBridge: buses, rules, event patterns and targets.
        .target(
            name: "SwitchyardEvents",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardMatching",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // EventBridge Scheduler: schedule groups and schedules that fire through the delivery engine.
        .target(
            name: "SwitchyardScheduler",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardEvents",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // EventBridge Pipes: records from a source, filtered and shaped, to a target.
        .target(
            name: "SwitchyardPipes",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardEvents",
                "SwitchyardMatching",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Amazon S3: buckets, objects as files, versions, multipart uploads, bucket notifications.
        .target(
            name: "SwitchyardS3",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Amazon ECS: clusters, task definitions, tasks whose containers run as local processes.
        .target(
            name: "SwitchyardECS",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // CloudWatch Logs: groups, streams, events, filter patterns, subscription filters.
        .target(
            name: "SwitchyardLogs",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Kinesis Data Streams: streams, shards and records in per-shard segment files, consumers.
        .target(
            name: "SwitchyardKinesis",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Amazon SES v1 and v2: identities, templates, sending into a captured outbox, events, SMTP in and out.
        .target(
            name: "SwitchyardSES",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Amazon Data Firehose: delivery streams that buffer, process, compress and deliver records.
        .target(
            name: "SwitchyardFirehose",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // AWS Lambda: functions whose code runs as local worker processes behind the Runtime API.
        .target(
            name: "SwitchyardLambda",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardMatching",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Matching shared by SNS filter policies and EventBridge event patterns.
        .target(name: "SwitchyardMatching", dependencies: ["SwitchyardWire"]),
        .target(
            name: "SwitchyardSNS",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardMatching",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // AWS IAM and STS: users, roles, groups, policies, access keys and temporary credentials, and
        // the directory of credentials that identity resolution reads.
        .target(
            name: "SwitchyardIAM",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardPlatform",
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardDelivery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // HTTP transport, request routing, identity and operational endpoints.
        .target(
            name: "SwitchyardServer",
            dependencies: [
                "SwitchyardWire",
                "SwitchyardModels",
                "SwitchyardCore",
                "SwitchyardSQS",
                "SwitchyardSNS",
                "SwitchyardEvents",
                "SwitchyardScheduler",
                "SwitchyardPipes",
                "SwitchyardS3",
                "SwitchyardLambda",
                "SwitchyardLogs",
                "SwitchyardECS",
                "SwitchyardKinesis",
                "SwitchyardFirehose",
                "SwitchyardSES",
                "SwitchyardIAM",
                "SwitchyardDelivery",
                "SwitchyardPlatform",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "switchyard",
            dependencies: [
                "SwitchyardServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release on Linux links with lld and packed relative relocations (DT_RELR, glibc >= 2.36; ELF
            // only, so not on macOS), so that the
            // loader does not read megabytes of relocation records at start-up, and without exporting the
            // executable's symbols (which `--static-swift-stdlib` turns on and start-up then pages in).
            // Together they take a third off idle memory (bench/README.md, "Idle memory").
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                        "-Xlinker", "--no-export-dynamic",
                    ],
                    .when(platforms: [.linux], configuration: .release)
                )
            ]
        ),
        .testTarget(name: "SwitchyardWireTests", dependencies: ["SwitchyardWire", "SwitchyardModels"]),
        .testTarget(
            name: "SwitchyardSQSTests",
            dependencies: [
                "SwitchyardSQS", "SwitchyardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwitchyardSNSTests",
            dependencies: [
                "SwitchyardSNS", "SwitchyardDelivery", "SwitchyardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "SwitchyardDeliveryTests", dependencies: ["SwitchyardDelivery", "SwitchyardCore"]),
        .testTarget(name: "SwitchyardS3Tests", dependencies: ["SwitchyardS3", "SwitchyardModels", "SwitchyardWire"]),
        .testTarget(
            name: "SwitchyardLambdaTests", dependencies: ["SwitchyardLambda", "SwitchyardPlatform", "SwitchyardWire"]),
        .testTarget(name: "SwitchyardLogsTests", dependencies: ["SwitchyardLogs", "SwitchyardDelivery"]),
        .testTarget(
            name: "SwitchyardIAMTests",
            dependencies: ["SwitchyardIAM", "SwitchyardModels", "SwitchyardPlatform", "SwitchyardWire"]),
        .testTarget(name: "SwitchyardKinesisTests", dependencies: ["SwitchyardKinesis"]),
        .testTarget(
            name: "SwitchyardECSTests",
            dependencies: [
                "SwitchyardECS", "SwitchyardDelivery", "SwitchyardPlatform",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "SwitchyardFirehoseTests", dependencies: ["SwitchyardFirehose", "SwitchyardWire"]),
        .testTarget(
            name: "SwitchyardSESTests",
            dependencies: [
                "SwitchyardSES", "SwitchyardWire", "SwitchyardDelivery", "SwitchyardPlatform",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwitchyardEventsTests",
            dependencies: [
                "SwitchyardEvents", "SwitchyardMatching", "SwitchyardDelivery", "SwitchyardCore", "SwitchyardWire",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SwitchyardServerTests",
            dependencies: [
                "SwitchyardServer", "SwitchyardPlatform", "SwitchyardModels", "SwitchyardWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
