public import Foundation

/// Locating the repository's own files from a test (SampleExports, docs).
public enum RepositoryFiles {
    /// The package root, found from this source file's path.
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The bytes of a file under the package root.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }
}
