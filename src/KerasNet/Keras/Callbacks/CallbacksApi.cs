namespace KerasNet.Keras.Callbacks;

/// <summary>keras.callbacks</summary>
public sealed class CallbacksApi
{
    public ModelCheckpoint ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool save_best_only = false,
        string mode = "auto") => new(filepath, monitor, verbose, save_best_only, mode);

    public EarlyStopping EarlyStopping(string monitor = "val_loss", double min_delta = 0, int patience = 0, int verbose = 0,
        string mode = "auto", double? baseline = null, bool restore_best_weights = false) =>
        new(monitor, min_delta, patience, verbose, mode, baseline, restore_best_weights);

    public ReduceLROnPlateau ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, int verbose = 0,
        string mode = "auto", double min_delta = 1e-4, int cooldown = 0, double min_lr = 0) =>
        new(monitor, factor, patience, verbose, mode, min_delta, cooldown, min_lr);

    public CSVLogger CSVLogger(string filename, string separator = ",", bool append = false) => new(filename, separator, append);

    public TerminateOnNaN TerminateOnNaN() => new();

    public BackupAndRestore BackupAndRestore(string backup_dir, bool delete_checkpoint = true) => new(backup_dir, delete_checkpoint);

    public History History() => new();
}
