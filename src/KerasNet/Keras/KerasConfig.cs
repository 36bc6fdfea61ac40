namespace KerasNet.Keras;

/// <summary>Where Keras-style files live: the data directory option, $KERAS_HOME, ~/.keras.</summary>
public static class KerasConfig
{
    /// <summary>An extra directory searched first for data sets and weights (the experiments' --data-dir).</summary>
    public static string? DataDir { get; set; }

    /// <summary>$KERAS_HOME, else ~/.keras, as Keras resolves its cache directory.</summary>
    public static string KerasHome =>
        Environment.GetEnvironmentVariable("KERAS_HOME") is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keras");

    /// <summary>Where the cache folder comes from, for messages: "$KERAS_HOME (/x)" or "~/.keras (/root/.keras)".</summary>
    public static string KerasHomeSource =>
        Environment.GetEnvironmentVariable("KERAS_HOME") is { Length: > 0 } home ? $"$KERAS_HOME ({home})" : $"~/.keras ({KerasHome})";
}
