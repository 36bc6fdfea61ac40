using KerasNet.Keras.Models;

namespace KerasNet.Keras.Callbacks;

/// <summary>
/// Base of Keras callbacks: override the hooks you need. <c>logs</c> hold the running metrics
/// ("loss", "accuracy", and "val_…" at epoch end).
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained, evaluated or used for prediction.</summary>
    public Model? model => _model;

    private Model? _model;

    /// <summary>
    /// Whether this process writes files: under MultiWorkerMirroredStrategy only the chief (worker 0)
    /// writes checkpoints, backups and logs, as Keras's callbacks do; otherwise always.
    /// </summary>
    protected bool WritesFiles => _model?.distribute_strategy?.IsChief ?? true;

    /// <summary>Run parameters: "epochs", "steps", "verbose".</summary>
    public IReadOnlyDictionary<string, object> @params => _params;

    private IReadOnlyDictionary<string, object> _params = new Dictionary<string, object>();

    /// <summary>Called by fit/evaluate/predict before the first hook.</summary>
    protected internal virtual void SetModel(Model m) => _model = m;

    protected internal virtual void SetParams(IReadOnlyDictionary<string, object> p) => _params = p;

    /// <summary>
    /// Whether this callback's on_epoch_end runs after every other callback's (History included), whatever
    /// its place in the list: BackupAndRestore commits an epoch only once the others have written their records of it.
    /// </summary>
    internal virtual bool EndsEpochLast => false;

    public virtual void on_train_begin(IDictionary<string, double>? logs = null) { }
    public virtual void on_train_end(IDictionary<string, double>? logs = null) { }
    public virtual void on_epoch_begin(int epoch, IDictionary<string, double>? logs = null) { }
    public virtual void on_epoch_end(int epoch, IDictionary<string, double>? logs = null) { }
    public virtual void on_train_batch_begin(int batch, IDictionary<string, double>? logs = null) { }
    public virtual void on_train_batch_end(int batch, IDictionary<string, double>? logs = null) { }
    public virtual void on_test_begin(IDictionary<string, double>? logs = null) { }
    public virtual void on_test_end(IDictionary<string, double>? logs = null) { }
    public virtual void on_test_batch_begin(int batch, IDictionary<string, double>? logs = null) { }
    public virtual void on_test_batch_end(int batch, IDictionary<string, double>? logs = null) { }
    public virtual void on_predict_begin(IDictionary<string, double>? logs = null) { }
    public virtual void on_predict_end(IDictionary<string, double>? logs = null) { }
    public virtual void on_predict_batch_begin(int batch, IDictionary<string, double>? logs = null) { }
    public virtual void on_predict_batch_end(int batch, IDictionary<string, double>? logs = null) { }
}
