using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Losses;
using KerasNet.Keras.Metrics;
using KerasNet.Keras.Models;
using KerasNet.Keras.Optimizers;

namespace KerasNet.TF.Distribute;

/// <summary>
/// tf.distribute.Strategy: how a model's training step is spread over replicas. A model created or
/// compiled inside <c>using (strategy.scope())</c> trains under the strategy: each global batch is split
/// across the replicas, every replica computes its gradients on the same (mirrored) weights, the
/// gradients are summed across replicas (each replica's loss is scaled by its share of the global
/// batch, as tf.distribute does, so the sum is the gradient of the global batch's mean loss) and one
/// identical update is applied. Loss and metrics are computed over the whole global batch.
/// </summary>
public abstract class Strategy
{
    private static readonly AsyncLocal<Strategy?> _current = new();

    /// <summary>The strategy whose scope is open (tf.distribute.get_strategy()), or null.</summary>
    public static Strategy? Current => _current.Value;

    /// <summary>Replicas across all workers that take part in every step.</summary>
    public int num_replicas_in_sync => LocalReplicas * WorkerCount;

    /// <summary>Replicas in this process.</summary>
    public abstract int LocalReplicas { get; }

    /// <summary>Processes in the cluster (1 for MirroredStrategy).</summary>
    public virtual int WorkerCount => 1;

    /// <summary>This process's index among the workers.</summary>
    public virtual int WorkerIndex => 0;

    /// <summary>Whether this process writes checkpoints, logs and results (worker 0, as Keras's chief).</summary>
    public bool IsChief => WorkerIndex == 0;

    /// <summary>The cross-process group, when there is more than one worker.</summary>
    internal virtual ProcessGroup? Group => null;

    /// <summary>Opens the strategy's scope: models created or compiled inside train under it.</summary>
    public IDisposable scope()
    {
        var previous = _current.Value;
        _current.Value = this;
        return new Scope(() => _current.Value = previous);
    }

    private sealed class Scope(Action close) : IDisposable
    {
        private bool _closed;

        public void Dispose()
        {
            if (_closed) return;
            _closed = true;
            close();
        }
    }

    /// <summary>
    /// The rows of a global batch of <paramref name="batch"/> rows that worker <paramref name="worker"/>
    /// of <paramref name="workers"/> computes: contiguous, as even as possible (the first
    /// batch % workers workers take one more row).
    /// </summary>
    internal static (long Start, long Length) Share(long batch, int workers, int worker)
    {
        long baseLen = batch / workers, extra = batch % workers;
        long start = worker * baseLen + Math.Min(worker, extra);
        return (start, baseLen + (worker < extra ? 1 : 0));
    }

    // models whose weights were made identical on every worker since their last fit began
    private readonly HashSet<Model> _synced = new(ReferenceEqualityComparer.Instance);

    /// <summary>Called when fit begins: weights are broadcast from worker 0 before the first step.</summary>
    internal void OnFitBegin(Model model)
    {
        lock (_synced) _synced.Remove(model);
    }

    /// <summary>One training step on a global batch under this strategy.</summary>
    internal void TrainStep(Model model, Tensor x, Tensor y, Loss lossFn, Optimizer optimizer, List<Metric> metrics, Mean lossTracker,
        IReadOnlyList<Variable> trainable)
    {
        if (Group is { } group)
        {
            bool sync;
            lock (_synced) sync = _synced.Add(model);
            if (sync)
                using (Autograd.NoGrad())
                    group.Broadcast(model.variables.Select(v => v.Value).ToList(), root: 0);
        }

        long batch = x.Shape[0];
        var (start, length) = Share(batch, WorkerCount, WorkerIndex);
        var shards = Enumerable.Range(0, LocalReplicas)
            .Select(r => Share(length, LocalReplicas, r))
            .Where(s => s.Length > 0)
            .Select(s => (Start: start + s.Start, s.Length, Empty: false))
            .ToList();
        // A worker left without rows (a last batch smaller than the cluster) still takes part in every
        // collective: it runs one row with weight 0, so its gradients, loss and statistics count for nothing.
        if (shards.Count == 0) shards.Add((0, 1, true));
        var contexts = shards.Select(_ => new ReplicaContext()).ToList();
        try
        {
            var outputs = new ReplicaOutput?[shards.Count];
            var weights = trainable.Select(v => v.Value).ToList();

            void RunReplica(int r)
            {
                var (s, n, empty) = shards[r];
                ReplicaContext.Current = contexts[r];
                try
                {
                    using var scope = new TensorScope();
                    var xs = x.Narrow(0, s, n);
                    var ys = y.Narrow(0, s, n);
                    var pred = model.Apply(xs, training: true);
                    // scaled by the replica's share of the global batch: the replicas' sum is the global mean
                    var loss = lossFn.Compute(ys, pred) * (empty ? 0.0 : (double)n / batch);
                    var grads = weights.Count > 0 ? Autograd.Grad(loss, weights) : [];
                    using (Autograd.NoGrad())
                    {
                        var predOut = Keras.MixedPrecision.Policy.Cast(pred.Detach(), DType.Float32);
                        outputs[r] = new ReplicaOutput(loss.Item(), grads.Select(g => g.Unscoped()).ToArray(), predOut.Unscoped());
                    }
                }
                finally
                {
                    ReplicaContext.Current = null;
                }
            }

            if (shards.Count == 1) RunReplica(0);
            else
            {
                // replica 0 on this thread, the others on the strategy's long-lived replica threads
                int share = Math.Max(1, Runtime.NumThreads / shards.Count);
                var errors = new Exception?[shards.Count];
                void Guarded(int i)
                {
                    try { Runtime.WithThreadLocalThreads(share, () => RunReplica(i)); }
                    catch (Exception e) { errors[i] = e; }
                }
                lock (_replicaThreadsLock) _replicaThreads ??= new ReplicaThreads();
                using (var done = new CountdownEvent(shards.Count - 1))
                {
                    for (int r = 1; r < shards.Count; r++)
                    {
                        int i = r;
                        _replicaThreads.Run(i - 1, () =>
                        {
                            try { Guarded(i); }
                            finally { done.Signal(); }
                        });
                    }
                    Guarded(0);
                    done.Wait();
                }
                if (errors.FirstOrDefault(e => e is not null) is { } first)
                {
                    foreach (var o in outputs) o?.Dispose();
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
                }
            }

            var step = TensorScope.Current;
            foreach (var o in outputs) o!.AdoptInto(step);
            using var noGrad = Autograd.NoGrad();

            // gradients: summed over local replicas in replica order, then over workers
            var summed = new Tensor[weights.Count];
            for (int i = 0; i < summed.Length; i++)
            {
                var g = outputs[0]!.Grads[i];
                for (int r = 1; r < outputs.Length; r++) g = g + outputs[r]!.Grads[i];
                summed[i] = g.DType == DType.Float32 ? g.Contiguous() : g.AsType(DType.Float32);
            }
            // the global batch's predictions (each process fills its rows) and loss, summed over workers
            var predShape = outputs[0]!.Pred.Shape.ToArray();
            predShape[0] = batch;
            var globalPred = Tensor.Zeros(predShape);
            for (int r = 0; r < outputs.Length; r++)
                if (!shards[r].Empty) globalPred.Narrow(0, shards[r].Start, shards[r].Length).CopyFrom(outputs[r]!.Pred);
            var lossSum = Tensor.Scalar((float)outputs.Sum(o => o!.Loss)).Reshape(1);

            // moving statistics (BatchNormalization): the mean over the replicas that had rows, as
            // tf.distribute's ON_READ MEAN; every process lists them in the same (layer) order
            var stats = contexts.SelectMany(c => c.Locals.Keys).Distinct(ReferenceEqualityComparer.Instance).Cast<Variable>().ToList();
            var statSums = stats.Select(v =>
            {
                var sum = Tensor.Zeros(v.shape);
                for (int r = 0; r < contexts.Count; r++)
                    if (!shards[r].Empty && contexts[r].Locals.TryGetValue(v, out var local)) sum = sum + local.AsType(DType.Float32);
                return sum;
            }).ToList();
            var counted = Tensor.FromArray(stats.Select(v => (float)Enumerable.Range(0, contexts.Count)
                .Count(r => !shards[r].Empty && contexts[r].Locals.ContainsKey(v))).ToArray(), stats.Count);

            if (Group is { } g2)
                g2.AllReduceSum([.. summed, globalPred, lossSum, .. statSums, counted]);

            var counts = counted.ToArray<float>();
            for (int i = 0; i < stats.Count; i++)
                if (counts[i] > 0) stats[i].assign(statSums[i] / counts[i]);
            if (weights.Count > 0)
                optimizer.apply_gradients(summed.Zip(trainable));
            lossTracker.update_state(lossSum.Item(), batch);
            foreach (var m in metrics) m.update_state(y, globalPred);
        }
        finally
        {
            foreach (var c in contexts) c.Dispose();  // the replicas' private copies, also when a step fails
        }
    }

    private readonly object _replicaThreadsLock = new();
    private ReplicaThreads? _replicaThreads;

    /// <summary>
    /// Background threads that run replicas 1..N-1, kept for the strategy's life: a thread per replica per
    /// step would pay thread start-up and the engine's per-thread set-up on every batch.
    /// </summary>
    private sealed class ReplicaThreads
    {
        private readonly List<System.Collections.Concurrent.BlockingCollection<Action>> _queues = new();

        public void Run(int index, Action job)
        {
            lock (_queues)
            {
                while (_queues.Count <= index)
                {
                    var queue = new System.Collections.Concurrent.BlockingCollection<Action>();
                    var t = new Thread(() =>
                    {
                        foreach (var j in queue.GetConsumingEnumerable()) j();
                    }) { IsBackground = true, Name = $"replica {_queues.Count + 1}" };
                    _queues.Add(queue);
                    t.Start();
                }
            }
            _queues[index].Add(job);
        }
    }

    private sealed record ReplicaOutput(double Loss, Tensor[] Grads, Tensor Pred) : IDisposable
    {
        public void AdoptInto(TensorScope? scope)
        {
            foreach (var t in Grads.Append(Pred))
                if (scope is null) t.ReleaseFromScope();
                else scope.Adopt(t);
        }

        public void Dispose()
        {
            foreach (var t in Grads) t.Dispose();
            Pred.Dispose();
        }
    }
}
