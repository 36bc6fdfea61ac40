using KerasNet.Engine;

namespace KerasNet.Keras.Losses;

/// <summary>mean((y_true - y_pred)²) over the last axis.</summary>
public sealed class MeanSquaredError() : Loss("mean_squared_error")
{
    public override Tensor Call(Tensor y_true, Tensor y_pred)
    {
        var d = (AlignTarget(y_true, y_pred, name) - y_pred).Square();
        return d.NDim > 1 ? d.Mean(-1) : d;
    }
}
