/// Labels attached to one value of a multi-valued field ("home", "work",
/// "mobile", or any custom text a source used, kept verbatim).
///
/// Labels are plain lower-case strings for the well-known ones so that every
/// plugin agrees on them; custom labels keep their spelling.
public enum Label {
    public static let home = "home"
    public static let work = "work"
    public static let other = "other"
    public static let mobile = "mobile"
    public static let voice = "voice"
    public static let fax = "fax"
    public static let pager = "pager"
    public static let main = "main"
    public static let text = "text"
    public static let video = "video"
    public static let internet = "internet"
}
