using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

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
        Output = new Node(this, [], [BatchInputShape], [dtype]).output_tensors[0];
    }

    public DType dtype { get; }

    /// <summary>The symbolic tensor this layer feeds into the model.</summary>
    public KerasTensor Output { get; }

    protected override Tensor Call(Tensor inputs, bool training) => inputs;

    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    public override JsonObject get_config() => new()
    {
        ["batch_input_shape"] = Json.FromShape(BatchInputShape!),
        ["dtype"] = dtype.KerasName(),
        ["sparse"] = false,
        ["ragged"] = false,
        ["name"] = name,
    };

    internal static InputLayer FromConfig(ConfigReader c)
    {
        c.Ignore("sparse", "ragged", "batch_size");
        c.Unsupported("input_tensor");
        c.Unsupported("optional", false);
        var dtype = c.String("dtype", "float32") switch
        {
            "float32" or null => DType.Float32,
            "int32" => DType.Int32,
            "int64" => DType.Int64,
            "uint8" => DType.UInt8,
            var other => throw new NotSupportedException($"{c.Where}: input dtype '{other}' is not supported (float32, int32, int64, uint8)."),
        };
        var shape = c.InputShape ?? throw new FormatException($"{c.Where}: an InputLayer needs batch_input_shape, batch_shape or input_shape.");
        return new InputLayer(shape.WithoutBatch(), c.Name, dtype);
    }
}
