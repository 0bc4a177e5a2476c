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
        .executable(name: "kith-example-plugin", targets: ["InProcessPluginExample"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // MARK: Core
        .target(name: "KithModel"),
        .target(name: "KithPlugin", dependencies: ["KithModel"]),
        .target(name: "KithTestSupport", dependencies: ["KithModel", "KithPlugin"]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "KithXML", dependencies: ["CLibXML2"]),

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

        // MARK: The store (SQLite through GRDB; apt libsqlite3-dev)
        .target(
            name: "KithStore",
            dependencies: [
                "KithModel", "KithPlugin", "KithJSON", "KithPipeline", .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // MARK: Format plugins
        .target(name: "KithJSON", dependencies: ["KithModel", "KithPlugin"], path: "Plugins/JSON"),
        .target(name: "KithVCard", dependencies: ["KithModel", "KithPlugin"], path: "Plugins/VCard"),
        .target(name: "KithCSV", dependencies: ["KithModel", "KithPlugin"], path: "Plugins/CSV"),
        .target(name: "KithBlog", dependencies: ["KithModel", "KithPlugin", "KithXML"], path: "Plugins/Blog"),
        .target(name: "KithMail", dependencies: ["KithModel", "KithPlugin"], path: "Plugins/Mail"),

        // MARK: External plugins (kith-plugin-* executables)
        .target(name: "KithExternal", dependencies: ["KithModel", "KithPlugin", "KithJSON"]),

        // MARK: Umbrella and CLI
        .target(
            name: "Kith",
            dependencies: ["KithModel", "KithPlugin", "KithJSON", "KithVCard", "KithCSV", "KithBlog", "KithMail", "KithExternal", "KithPipeline", "KithStore"]),
        .executableTarget(
            name: "KithCLI",
            dependencies: [
                "Kith", "KithJSON", "KithPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "InProcessPluginExample", dependencies: ["Kith"], path: "Examples/InProcessPlugin"),
        .executableTarget(name: "KithBenchmarks", dependencies: ["Kith", "KithJSON", "KithVCard", "KithCSV", "KithBlog", "KithMail"], path: "Benchmarks/KithBenchmarks"),

        // MARK: Tests
        .testTarget(name: "KithModelTests", dependencies: ["KithModel"]),
        .testTarget(name: "KithPluginTests", dependencies: ["KithPlugin", "KithTestSupport"]),
        .testTarget(name: "KithJSONTests", dependencies: ["KithJSON", "KithTestSupport"]),
        .testTarget(
            name: "KithExternalTests", dependencies: ["KithExternal", "KithTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "KithVCardTests", dependencies: ["KithVCard", "KithTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "KithCLITests",
            dependencies: [
                "KithCLI", "InProcessPluginExample", "Kith", "KithJSON", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "KithPipelineTests", dependencies: ["KithPipeline", "KithModel"]),
        .testTarget(
            name: "KithCSVTests", dependencies: ["KithCSV", "KithTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KithXMLTests", dependencies: ["KithXML"]),
        .testTarget(name: "KithBlogTests", dependencies: ["KithBlog", "KithXML", "KithTestSupport"]),
        .testTarget(
            name: "KithMailTests", dependencies: ["KithMail", "KithTestSupport", "Kith"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KithStoreTests", dependencies: ["KithStore", "KithModel", .product(name: "GRDB", package: "GRDB.swift")]),
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
