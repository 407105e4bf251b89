/// The Switchyard release.
public enum SwitchyardVersion {
    public static let current = "0.1.0"
}
