using System.Diagnostics;
using KerasNet.Keras.Callbacks;
using KerasNet.TF.Data;

namespace KerasNet.Harness;

/// <summary>
/// The articles' TimeHistory hook: the wall time of every training batch, in seconds; and, per epoch, the input work this
/// process did (<see cref="InputStatistics"/>: images decoded, rows batched), which shows a worker's share under sharding.
/// </summary>
public sealed class TimeHistory : Callback
{
    private readonly Stopwatch _clock = new();
    private long _decodedAtStart, _rowsAtStart;

    public List<double> times { get; } = new();

    /// <summary>Images this process decoded in each epoch (read-ahead of the next epoch's first batches included).</summary>
    public List<long> images_decoded { get; } = new();

    /// <summary>Rows this process put into training batches in each epoch.</summary>
    public List<long> rows_batched { get; } = new();

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        times.Clear();
        images_decoded.Clear();
        rows_batched.Clear();
    }

    public override void on_epoch_begin(int epoch, IDictionary<string, double>? logs = null)
    {
        _decodedAtStart = InputStatistics.ImagesDecoded;
        _rowsAtStart = InputStatistics.RowsBatched;
    }

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
    {
        images_decoded.Add(InputStatistics.ImagesDecoded - _decodedAtStart);
        rows_batched.Add(InputStatistics.RowsBatched - _rowsAtStart);
    }

    public override void on_train_batch_begin(int batch, IDictionary<string, double>? logs = null) => _clock.Restart();

    public override void on_train_batch_end(int batch, IDictionary<string, double>? logs = null) =>
        times.Add(_clock.Elapsed.TotalSeconds);
}
