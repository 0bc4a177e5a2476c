// The umbrella library: one import gives the model, the plugin API, the
// matching pipeline, the built-in plugins and the standard registry.
@_exported public import KithModel
@_exported public import KithPlugin
@_exported public import KithPipeline
public import KithJSON

extension PluginRegistry {
    /// A registry holding every built-in format plugin.
    public static var standard: PluginRegistry {
        var r = PluginRegistry()
        r.register(JSONLPlugin())
        return r
    }
}
