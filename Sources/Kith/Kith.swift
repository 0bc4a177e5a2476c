// The umbrella library: one import gives the model, the plugin API, the
// matching pipeline, the built-in plugins and the standard registry.
@_exported public import KithModel
@_exported public import KithPlugin
@_exported public import KithPipeline
internal import KithJSON
@_exported public import KithExternal
internal import KithVCard
internal import KithCSV
import KithBlog
internal import KithMail

extension PluginRegistry {
    /// A registry holding every built-in format plugin.
    public static var standard: PluginRegistry {
        var r = PluginRegistry()
        r.register(JSONLPlugin())
        r.register(VCardPlugin())
        r.register(JCardPlugin())
        r.register(CSVPlugin())
        r.register(WXRPlugin())
        r.register(BloggerPlugin())
        r.register(HTMLBlogPlugin())
        r.register(MailPlugin())
        return r
    }
}

extension PluginRegistry {
    /// The standard registry plus the `kith-plugin-*` programs found in
    /// `directories` (see `PluginDiscovery.searchDirectories`), with clashes
    /// resolved by `priority`. Returns the problems met while discovering.
    public static func standard(
        externalPluginsIn directories: [String], priority: ExternalPriority = .builtinFirst
    ) -> (registry: PluginRegistry, problems: [String]) {
        var r = PluginRegistry.standard
        let found = PluginDiscovery.discover(in: directories)
        r.add(external: found.plugins, priority: priority)
        return (r, found.problems)
    }
}
