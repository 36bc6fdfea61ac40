using System.Text.Json.Nodes;
using KerasNet.Engine;

namespace KerasNet.Keras.Regularizers;

/// <summary>Keras's L1L2: l1·Σ|w| + l2·Σw². <c>L1</c> and <c>L2</c> are its one-term spellings.</summary>
public sealed class L1L2 : Regularizer
{
    private readonly string _className;

    public L1L2(double l1 = 0.0, double l2 = 0.0, string className = "L1L2")
    {
        if (l1 < 0 || l2 < 0 || double.IsNaN(l1) || double.IsNaN(l2))
            throw new ArgumentException($"L1L2 factors must be ≥ 0, got l1={l1}, l2={l2}.");
        this.l1 = l1;
        this.l2 = l2;
        _className = className;
    }

    public double l1 { get; }
    public double l2 { get; }

    public override string ClassName => _className;

    public override Tensor Call(Tensor weight)
    {
        Tensor? total = null;
        if (l1 > 0) total = weight.Abs().Sum() * l1;
        if (l2 > 0)
        {
            var t = weight.Square().Sum() * l2;
            total = total is null ? t : total + t;
        }
        return total ?? weight.Sum() * 0.0;
    }

    public override JsonObject get_config() => _className switch
    {
        "L1" => new JsonObject { ["l1"] = l1 },
        "L2" => new JsonObject { ["l2"] = l2 },
        _ => new JsonObject { ["l1"] = l1, ["l2"] = l2 },
    };
}
