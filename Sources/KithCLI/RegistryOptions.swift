import ArgumentParser
import Foundation
import Kith

/// Options that choose which plugins a command can use.
struct RegistryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A folder to search for kith-plugin-* programs (repeatable; before KITH_PLUGIN_PATH and PATH).", valueName: "dir"))
    var pluginPath: [String] = []

    @Option(name: .long, help: ArgumentHelp("Which wins when an external plugin has a built-in's id: 'builtin' (the external one becomes ID-external) or 'external' (the built-in becomes ID-builtin).", valueName: "builtin|external"))
    var prefer: String = "builtin"

    @Flag(name: .long, help: "Do not look for external kith-plugin-* programs.")
    var noExternalPlugins = false

    func validate() throws {
        guard PluginRegistry.ExternalPriority(rawValue: prefer) != nil else {
            throw ValidationError("--prefer must be 'builtin' or 'external'")
        }
    }

    /// The registry for this run; discovery problems are printed as warnings.
    func registry() -> PluginRegistry {
        if noExternalPlugins || ProcessInfo.processInfo.environment["KITH_NO_EXTERNAL_PLUGINS"] == "1" {
            return .standard
        }
        let dirs = PluginDiscovery.searchDirectories(extra: pluginPath)
        let (registry, problems) = PluginRegistry.standard(
            externalPluginsIn: dirs, priority: PluginRegistry.ExternalPriority(rawValue: prefer) ?? .builtinFirst)
        for p in problems {
            FileHandle.standardError.write(Data("kith: warning: ignoring an external plugin: \(p)\n".utf8))
        }
        return registry
    }
}
