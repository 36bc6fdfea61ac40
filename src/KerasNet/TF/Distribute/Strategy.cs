using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using KerasNet.Engine;

namespace KerasNet.TF.Distribute;

/// <summary>
/// tf.distribute.Strategy: runs a step function on replicas and combines what they return. A model created
/// or compiled inside <c>using (strategy.scope())</c> trains under the strategy: its train_step gives each
/// replica its rows of the global batch (<see cref="run{T}"/>), each replica computes its gradients on the
/// same (mirrored) weights with its loss scaled by its share of the global batch, and the gradients are
/// summed over the replicas (<see cref="reduce"/>; across processes, all-reduced) so that one identical
/// update follows. The strategy knows tensors only, nothing of models, losses or optimizers.
/// Disposing a strategy ends its replica threads.
/// </summary>
public abstract class Strategy : IDisposable
{
    private static readonly AsyncLocal<Strategy?> _current = new();

    /// <summary>The strategy whose scope is open, or null.</summary>
    public static Strategy? Current => _current.Value;

    /// <summary>tf.distribute's default strategy: one replica, the calling thread, no copies and no collectives.</summary>
    public static Strategy Default { get; } = new DefaultStrategy();

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
        ObjectDisposedException.ThrowIf(_disposed, this);
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

    /// <summary>A step function: one replica's rows of x (and y), and its context.</summary>
    public delegate T ReplicaFunction<out T>(Tensor x, Tensor? y, ReplicaContext replica);

    /// <summary>
    /// strategy.run: calls <paramref name="fn"/> once per local replica with that replica's rows of the
    /// global batch (workers first, then local replicas; contiguous, as even as possible), replica 0 on the
    /// calling thread and the others on the strategy's replica threads, each with its share of the cores.
    /// Every tensor a replica makes is owned by the caller's scope when run returns. Assignments the
    /// replicas recorded (<see cref="ReplicaContext.RecordAssign"/>) are then applied: the mean over the
    /// replicas that had rows, across workers too.
    /// </summary>
    public PerReplica<T> run<T>(ReplicaFunction<T> fn, Tensor x, Tensor? y)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(x);
        if (x.NDim == 0) throw new ArgumentException($"strategy.run: x {Tensor.FormatShape(x.Shape)} has no batch dimension.");
        // a batch of this worker's rows only (input sharding) knows the global batch it belongs to
        long? globalRows = WorkerCount > 1 ? WorkerRows.GlobalRowsOf(x) : null;
        long batch = globalRows ?? x.Shape[0];
        if (batch == 0) throw new ArgumentException("strategy.run: the global batch is empty.");

        if (num_replicas_in_sync == 1)
        {
            // one replica: the caller's thread and scope, shared state written directly
            var value = fn(x, y, new ReplicaContext(0, 1, 0, batch, batch));
            return new PerReplica<T>([value], [(0, batch)], batch);
        }

        var (start, length) = Share(batch, WorkerCount, WorkerIndex);
        long offset = 0;  // where this worker's rows begin in x
        if (globalRows is not null)
        {
            if (x.Shape[0] != Math.Max(length, 1))
                throw new ArgumentException($"strategy.run: worker {WorkerIndex}'s input has {x.Shape[0]} rows; its share of the global batch of {batch} is {length}.");
            offset = start;
        }
        var shards = Enumerable.Range(0, LocalReplicas)
            .Select(r => Share(length, LocalReplicas, r))
            .Where(s => s.Length > 0)
            .Select(s => (Start: start + s.Start, Rows: s.Length))
            .ToList();
        // A worker left without rows (a last batch smaller than the cluster) still takes part in every
        // collective: it runs one row that counts for nothing (weight 0, excluded from every mean).
        bool empty = shards.Count == 0;
        if (empty) shards.Add((0, 0));
        var contexts = shards.Select((s, r) => new ReplicaContext(WorkerIndex * LocalReplicas + r, num_replicas_in_sync,
            s.Start, s.Rows, batch)).ToList();
        var values = new T[shards.Count];
        var made = new List<Tensor>?[shards.Count];
        try
        {
            void RunReplica(int r)
            {
                var (s, n) = shards[r];
                ReplicaContext.Current = contexts[r];
                var scope = new TensorScope();
                bool ended = false;
                try
                {
                    long at = n == 0 && globalRows is not null ? 0 : s - offset;  // a worker without rows: its stand-in row
                    var xs = x.Narrow(0, at, Math.Max(n, 1));
                    var ys = y?.Narrow(0, at, Math.Max(n, 1));
                    values[r] = fn(xs, ys, contexts[r]);
                    made[r] = scope.EndAndRelease();
                    ended = true;
                }
                finally
                {
                    if (!ended) scope.Dispose();
                    ReplicaContext.Current = null;
                }
            }

            if (shards.Count == 1) RunReplica(0);
            else RunOnReplicaThreads(shards.Count, RunReplica, made);

            var owner = TensorScope.Current;
            foreach (var list in made)
                foreach (var t in list!)
                    if (owner is null) t.ReleaseFromScope();
                    else owner.Adopt(t);
            ApplyAssignments(contexts);
            return new PerReplica<T>(values, shards.Select(s => (s.Start, s.Rows)).ToList(), batch);
        }
        finally
        {
            foreach (var c in contexts) c.Dispose();  // the replicas' recorded values, also when a step fails
        }
    }

    private void RunOnReplicaThreads(int count, Action<int> runReplica, List<Tensor>?[] made)
    {
        int share = Math.Max(1, Runtime.NumThreads / count);
        var errors = new Exception?[count];
        void Guarded(int i)
        {
            try { Runtime.WithThreadLocalThreads(share, () => runReplica(i)); }
            catch (Exception e) { errors[i] = e; }
        }
        using (var done = new CountdownEvent(count - 1))
        {
            for (int r = 1; r < count; r++)
            {
                int i = r;
                ReplicaThread(i - 1).Add(() =>
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
            foreach (var list in made)
                if (list is not null)
                    foreach (var t in list) t.Dispose();
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    // Each target gets the mean of the values recorded by the replicas that had rows, over every worker;
    // every process lists the targets in the same order (the order the model assigns them).
    private void ApplyAssignments(List<ReplicaContext> contexts)
    {
        var targets = new List<Tensor>();
        foreach (var c in contexts)
            foreach (var (target, _) in c.Assignments)
                if (!targets.Any(t => ReferenceEquals(t, target))) targets.Add(target);
        if (targets.Count == 0) return;
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var sums = targets.Select(target =>
        {
            var sum = Tensor.Zeros(target.Shape);
            foreach (var c in contexts)
                if (c.Rows > 0 && c.Assignments.FirstOrDefault(a => ReferenceEquals(a.Target, target)) is { Value: { } v })
                    sum.AddInPlace(v);
            return sum;
        }).ToList();
        var counts = Tensor.FromArray(targets.Select(target => (float)contexts.Count(c =>
            c.Rows > 0 && c.Assignments.Any(a => ReferenceEquals(a.Target, target)))).ToArray(), targets.Count);
        Group?.AllReduceSum([.. sums, counts]);
        var n = counts.ToArray<float>();
        for (int i = 0; i < targets.Count; i++)
        {
            if (n[i] <= 0) continue;
            var mean = sums[i] / n[i];
            targets[i].CopyFrom(mean.DType == targets[i].DType ? mean : mean.AsType(targets[i].DType));
        }
    }

    /// <summary>
    /// strategy.reduce: for each position i, the sum (or mean over num_replicas_in_sync) of the replicas'
    /// i-th tensors, over every replica of every worker, as float32. With one replica in sync the tensors
    /// come back as they are; otherwise the replicas' tensors may be reused (summed into in place).
    /// </summary>
    public Tensor[] reduce(ReduceOp op, PerReplica<Tensor[]> values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var local = values.Values;
        int n = local[0].Length;
        if (local.Any(v => v.Length != n))
            throw new ArgumentException("strategy.reduce: the replicas returned different numbers of tensors.");
        if (num_replicas_in_sync == 1) return local[0];
        using var noGrad = Autograd.NoGrad();
        var result = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            var sum = local[0][i];
            for (int r = 1; r < local.Count; r++) sum = sum + local[r][i];
            result[i] = sum.DType == DType.Float32 ? sum : sum.AsType(DType.Float32);
        }
        Group?.AllReduceSum(result);
        if (op == ReduceOp.MEAN)
            for (int i = 0; i < n; i++) result[i] = result[i] / num_replicas_in_sync;
        return result;
    }

    /// <summary>
    /// strategy.gather along axis 0: the replicas' values stacked in global-batch order, over every worker,
    /// as float32; empty replicas contribute nothing. With one replica in sync the value comes back as it is.
    /// </summary>
    public Tensor gather(PerReplica<Tensor> values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (num_replicas_in_sync == 1) return values.Values[0];
        using var noGrad = Autograd.NoGrad();
        var first = values.Values[0];
        var shape = first.Shape.ToArray();
        shape[0] = values.GlobalBatchSize;
        // each process fills its rows of a zero tensor; the sum over the workers is the whole batch
        var all = Tensor.Zeros(shape);
        for (int r = 0; r < values.Values.Count; r++)
        {
            var (start, rows) = values.Shards[r];
            if (rows == 0) continue;
            var v = values.Values[r];
            all.Narrow(0, start, rows).CopyFrom(v.DType == DType.Float32 ? v : v.AsType(DType.Float32));
        }
        Group?.AllReduceSum([all]);
        return all;
    }

    /// <summary>
    /// The whole global batch of <paramref name="globalRows"/> rows from each worker's own rows (<paramref name="local"/>,
    /// its share as <see cref="Share"/> divides it; a worker without rows holds one stand-in row), as float32, on every worker.
    /// </summary>
    internal Tensor GatherWorkerRows(Tensor local, long globalRows)
    {
        using var noGrad = Autograd.NoGrad();
        var shape = local.Shape.ToArray();
        shape[0] = globalRows;
        var all = Tensor.Zeros(shape);
        var (start, length) = Share(globalRows, WorkerCount, WorkerIndex);
        if (length > 0) all.Narrow(0, start, length).CopyFrom(local.DType == DType.Float32 ? local : local.AsType(DType.Float32));
        Group?.AllReduceSum([all]);
        return all;
    }

    /// <summary>Makes the tensors equal on every worker to worker 0's (weights before the first step of a fit).</summary>
    internal void BroadcastFromChief(IReadOnlyList<Tensor> tensors)
    {
        if (Group is not { } group || tensors.Count == 0) return;
        using (Autograd.NoGrad()) group.Broadcast(tensors, root: 0);
    }

    // ---- replica threads

    private readonly List<BlockingCollection<Action>> _queues = new();
    private readonly List<Thread> _threads = new();
    private bool _disposed;

    /// <summary>
    /// The queue of the background thread that runs replica index + 1, kept for the strategy's life: a
    /// thread per replica per step would pay thread start-up and the engine's per-thread set-up every batch.
    /// </summary>
    private BlockingCollection<Action> ReplicaThread(int index)
    {
        lock (_queues)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_queues.Count <= index)
            {
                var queue = new BlockingCollection<Action>();
                var t = new Thread(() =>
                {
                    foreach (var job in queue.GetConsumingEnumerable()) job();
                }) { IsBackground = true, Name = $"replica {_queues.Count + 1}" };
                _queues.Add(queue);
                _threads.Add(t);
                t.Start();
            }
            return _queues[index];
        }
    }

    /// <summary>Ends the replica threads (after the job each is running) and releases what the strategy holds.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(this, Default)) return;  // shared by every model without a strategy
        List<Thread> threads;
        lock (_queues)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var q in _queues) q.CompleteAdding();
            threads = _threads.ToList();
        }
        foreach (var t in threads) t.Join();
        foreach (var q in _queues) q.Dispose();
        _queues.Clear();
        _threads.Clear();
        DisposeResources();
        GC.SuppressFinalize(this);
    }

    /// <summary>What a subclass holds beyond the replica threads (a process group).</summary>
    protected virtual void DisposeResources() { }

    private sealed class DefaultStrategy : Strategy
    {
        public override int LocalReplicas => 1;
    }
}
