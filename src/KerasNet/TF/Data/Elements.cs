using System.Runtime.CompilerServices;
using KerasNet.Engine;

namespace KerasNet.TF.Data;

/// <summary>
/// Ownership of pipeline elements: whoever receives an element owns the tensors in it and disposes
/// them; an operator that consumes an element and produces another disposes what it does not pass on.
/// </summary>
public static class Elements
{
    /// <summary>Disposes every tensor inside an element (a tensor, a tuple, an array), except those in <paramref name="keep"/>.</summary>
    public static void Dispose(object? element, object? keep = null)
    {
        var kept = keep is null ? null : new HashSet<Tensor>(Tensors(keep), ReferenceEqualityComparer.Instance);
        foreach (var t in Tensors(element))
            if (kept is null || !kept.Contains(t))
                t.Dispose();
    }

    /// <summary>The tensors inside an element.</summary>
    public static IEnumerable<Tensor> Tensors(object? element)
    {
        switch (element)
        {
            case null: yield break;
            case Tensor t:
                yield return t;
                break;
            case ITuple tuple:
                for (int i = 0; i < tuple.Length; i++)
                    foreach (var x in Tensors(tuple[i]))
                        yield return x;
                break;
            case System.Collections.IEnumerable seq when element is not string:
                foreach (var item in seq)
                    foreach (var x in Tensors(item))
                        yield return x;
                break;
        }
    }
}
