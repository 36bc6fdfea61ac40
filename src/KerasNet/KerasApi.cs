using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Applications;
using KerasNet.Keras.Datasets;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Losses;
using KerasNet.Keras.Models;
using KerasNet.Keras.Optimizers;
using KerasNet.Keras.Utils;

namespace KerasNet;

/// <summary>
/// The entry point, spelled as TensorFlow.NET spells it: <c>using static KerasNet.KerasApi;</c> then
/// <c>keras.Sequential()</c>, <c>keras.layers.Conv2D(32, 3, activation: "relu")</c>, ...
/// </summary>
public static class KerasApi
{
    public static KerasInterface keras { get; } = new();
}

/// <summary>The <c>keras</c> namespace object.</summary>
public sealed class KerasInterface
{
    public LayersApi layers { get; } = new();
    public OptimizersApi optimizers { get; } = new();
    public LossesApi losses { get; } = new();
    public DatasetsApi datasets { get; } = new();
    public UtilsApi utils { get; } = new();
    public BackendApi backend { get; } = new();
    public ApplicationsApi applications { get; } = new();
    public Keras.Preprocessing.PreprocessingApi preprocessing { get; } = new();
    public Keras.MixedPrecision.MixedPrecisionApi mixed_precision { get; } = new();
    public Keras.Callbacks.CallbacksApi callbacks { get; } = new();
    public ModelsApi models { get; } = new();
    public Keras.Regularizers.RegularizersApi regularizers { get; } = new();

    /// <summary>A symbolic input of the given shape (without the batch dimension).</summary>
    public KerasTensor Input(Shape shape, string? name = null, DType dtype = DType.Float32) =>
        new InputLayer(shape, name, dtype).Output;

    public Sequential Sequential(IEnumerable<Layer>? layers = null, string? name = null) => new(layers, name);

    /// <summary>A functional model from an input tensor to an output tensor.</summary>
    public Functional Model(KerasTensor inputs, KerasTensor outputs, string? name = null) => new(inputs, outputs, name);

    /// <summary>A functional model with several inputs and/or outputs: <c>keras.Model(inputs: [a, b], outputs: [y])</c>.</summary>
    public Functional Model(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null) => new(inputs, outputs, name);

    public Functional Model(IReadOnlyList<KerasTensor> inputs, KerasTensor outputs, string? name = null) => new(inputs, [outputs], name);

    public Functional Model(KerasTensor inputs, IReadOnlyList<KerasTensor> outputs, string? name = null) => new([inputs], outputs, name);
}
