using System.Diagnostics;
using KerasNet.Keras.Callbacks;

namespace KerasNet.Harness;

/// <summary>The articles' TimeHistory hook: the wall time of every training batch, in seconds.</summary>
public sealed class TimeHistory : Callback
{
    private readonly Stopwatch _clock = new();

    public List<double> times { get; } = new();

    public override void on_train_begin(IDictionary<string, double>? logs = null) => times.Clear();

    public override void on_train_batch_begin(int batch, IDictionary<string, double>? logs = null) => _clock.Restart();

    public override void on_train_batch_end(int batch, IDictionary<string, double>? logs = null) =>
        times.Add(_clock.Elapsed.TotalSeconds);
}
