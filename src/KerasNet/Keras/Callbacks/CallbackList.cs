using KerasNet.Keras.Models;

namespace KerasNet.Keras.Callbacks;

/// <summary>Fans each hook out to a list of callbacks, in order.</summary>
internal sealed class CallbackList(IEnumerable<Callback> callbacks)
{
    private readonly List<Callback> _callbacks = callbacks.ToList();

    public IReadOnlyList<Callback> Items => _callbacks;

    public void SetModel(Model m) => _callbacks.ForEach(c => c.SetModel(m));
    public void SetParams(IReadOnlyDictionary<string, object> p) => _callbacks.ForEach(c => c.SetParams(p));

    public void OnTrainBegin(IDictionary<string, double>? logs = null) => _callbacks.ForEach(c => c.on_train_begin(logs));
    public void OnTrainEnd(IDictionary<string, double>? logs = null) => _callbacks.ForEach(c => c.on_train_end(logs));
    public void OnEpochBegin(int e, IDictionary<string, double>? logs = null) => _callbacks.ForEach(c => c.on_epoch_begin(e, logs));
    public void OnEpochEnd(int e, IDictionary<string, double> logs)
    {
        foreach (var c in _callbacks.Where(c => !c.EndsEpochLast)) c.on_epoch_end(e, logs);
        foreach (var c in _callbacks.Where(c => c.EndsEpochLast)) c.on_epoch_end(e, logs);
    }
    public void OnTrainBatchBegin(int b) => _callbacks.ForEach(c => c.on_train_batch_begin(b));
    public void OnTrainBatchEnd(int b, IDictionary<string, double> logs) => _callbacks.ForEach(c => c.on_train_batch_end(b, logs));
    public void OnTestBegin() => _callbacks.ForEach(c => c.on_test_begin());
    public void OnTestEnd(IDictionary<string, double> logs) => _callbacks.ForEach(c => c.on_test_end(logs));
    public void OnTestBatchBegin(int b) => _callbacks.ForEach(c => c.on_test_batch_begin(b));
    public void OnTestBatchEnd(int b, IDictionary<string, double> logs) => _callbacks.ForEach(c => c.on_test_batch_end(b, logs));
    public void OnPredictBegin() => _callbacks.ForEach(c => c.on_predict_begin());
    public void OnPredictEnd() => _callbacks.ForEach(c => c.on_predict_end());
    public void OnPredictBatchBegin(int b) => _callbacks.ForEach(c => c.on_predict_batch_begin(b));
    public void OnPredictBatchEnd(int b) => _callbacks.ForEach(c => c.on_predict_batch_end(b));
}
