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

    /// <summary>
    /// Prints this worker's input work per epoch (under MultiWorkerMirroredStrategy, where each worker decodes only its rows)
    /// against the <paramref name="epochImages"/> an epoch's global batches hold, and records the first epoch's counts.
    /// </summary>
    public void ReportInputWork(TextWriter print, KerasNet.TF.Distribute.Strategy? strategy, long epochImages, IDictionary<string, double> metrics)
    {
        if (strategy is KerasNet.TF.Distribute.MultiWorkerMirroredStrategy mw)
            for (int e = 0; e < rows_batched.Count; e++)
                print.WriteLine($"worker {mw.WorkerIndex} of {mw.WorkerCount}, epoch {e + 1}: {images_decoded[e]} images decoded, {rows_batched[e]} rows batched, of the epoch's {epochImages}");
        if (rows_batched.Count == 0) return;
        metrics["images_decoded_first_epoch"] = images_decoded[0];
        metrics["rows_batched_first_epoch"] = rows_batched[0];
    }
}
