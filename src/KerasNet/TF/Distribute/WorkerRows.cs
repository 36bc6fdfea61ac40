using System.Runtime.CompilerServices;
using KerasNet.Engine;

namespace KerasNet.TF.Distribute;

/// <summary>
/// Marks a batch that holds only this worker's rows of a global batch (input sharding), with the global batch's row
/// count: the strategy then takes the rows as this worker's share instead of cutting them out of a whole batch.
/// </summary>
internal static class WorkerRows
{
    private sealed class Global(long rows)
    {
        public long Rows { get; } = rows;
    }

    private static readonly ConditionalWeakTable<Tensor, Global> Marks = new();

    public static void Mark(Tensor local, long globalRows) => Marks.AddOrUpdate(local, new Global(globalRows));

    /// <summary>The global batch's rows when <paramref name="x"/> holds only this worker's rows of it.</summary>
    public static long? GlobalRowsOf(Tensor x) => Marks.TryGetValue(x, out var g) ? g.Rows : null;

    /// <summary>Carries a mark over to a tensor made from a marked one (a dtype conversion of the same rows).</summary>
    public static Tensor Carry(Tensor from, Tensor to)
    {
        if (!ReferenceEquals(from, to) && GlobalRowsOf(from) is { } g) Mark(to, g);
        return to;
    }
}
