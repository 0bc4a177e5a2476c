// swift-tools-version: 6.1
import PackageDescription

// Kith: one package, small modules (see ../shared/DESIGN.md for the map).
// Format plugins live under Plugins/<Format> and depend on KithPlugin and
// KithModel only; the CLI and the umbrella library assemble them.

let package = Package(
    name: "Kith",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Kith", targets: ["Kith"]),
        .library(name: "KithPlugin", targets: ["KithPlugin"]),
        .library(name: "KithTestSupport", targets: ["KithTestSupport"]),
        .executable(name: "kith", targets: ["KithCLI"]),
        .executable(name: "kith-bench", targets: ["KithBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // MARK: Core
        .target(name: "KithModel"),
        .target(name: "KithPlugin", dependencies: ["KithModel"]),
        .target(name: "KithTestSupport", dependencies: ["KithModel", "KithPlugin"]),

        // MARK: Matching and merging
        // Google's libphonenumber (apt libphonenumber-dev) behind a C face.
        .target(
            name: "CPhoneNumber",
            linkerSettings: [.linkedLibrary("phonenumber"), .linkedLibrary("stdc++")]
        ),
        .target(
            name: "KithPipeline",
            dependencies: [
                "KithModel", "CPhoneNumber",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            exclude: ["NOTICE.md"]
        ),

        // MARK: Format plugins
        .target(name: "KithJSON", dependencies: ["KithModel", "KithPlugin"], path: "Plugins/JSON"),

        // MARK: Umbrella and CLI
        .target(name: "Kith", dependencies: ["KithModel", "KithPlugin", "KithJSON", "KithPipeline"]),
        .executableTarget(
            name: "KithCLI",
            dependencies: [
                "Kith", "KithJSON", "KithPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "KithBenchmarks", dependencies: ["Kith", "KithJSON"], path: "Benchmarks/KithBenchmarks"),

        // MARK: Tests
        .testTarget(name: "KithModelTests", dependencies: ["KithModel"]),
        .testTarget(name: "KithPluginTests", dependencies: ["KithPlugin", "KithTestSupport"]),
        .testTarget(name: "KithJSONTests", dependencies: ["KithJSON", "KithTestSupport"]),
        .testTarget(
            name: "KithCLITests",
            dependencies: [
                "KithCLI", "Kith", "KithJSON", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "KithPipelineTests", dependencies: ["KithPipeline", "KithModel"]),
    ]
)

// One place for the strictness every target shares (the swift-log model).
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
