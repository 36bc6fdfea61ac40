using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>The entry point of a functional model; <c>keras.Input(shape)</c> creates one and returns its tensor.</summary>
public sealed class InputLayer : Layer
{
    public InputLayer(Shape input_shape, string? name = null, DType dtype = DType.Float32)
        : base(name ?? Naming.UniqueOneBased("input"))
    {
        BatchInputShape = input_shape.WithBatch();
        this.dtype = dtype;
        EnsureBuilt(BatchInputShape);
        Output = new KerasTensor(BatchInputShape, this, [], dtype);
    }

    public DType dtype { get; }

    /// <summary>The symbolic tensor this layer feeds into the model.</summary>
    public KerasTensor Output { get; }

    protected override Tensor Call(Tensor inputs, bool training) => inputs;

    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
}
