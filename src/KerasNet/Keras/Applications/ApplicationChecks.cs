using KerasNet.Keras.Layers;

namespace KerasNet.Keras.Applications;

/// <summary>What every keras.applications constructor checks and does alike: the weights/classes/pooling arguments, the pooling head.</summary>
internal static class ApplicationChecks
{
    public static void Arguments(string? weights, bool includeTop, int classes, string? pooling)
    {
        if (weights == "imagenet" && includeTop && classes != 1000)
            throw new ArgumentException($"If using weights=\"imagenet\" with include_top=true, classes should be 1000; got {classes}.");
        if (pooling is not (null or "avg" or "max")) throw new ArgumentException($"pooling must be null, \"avg\" or \"max\", got '{pooling}'.");
    }

    /// <summary>include_top=false: the features as they are, or pooled (pooling "avg" / "max"), with the layer name Keras gives.</summary>
    public static KerasTensor Pool(KerasTensor x, string? pooling, string? avgName = null, string? maxName = null) => pooling switch
    {
        "avg" => new GlobalAveragePooling2D(name: avgName).Apply(x),
        "max" => new GlobalMaxPooling2D(name: maxName).Apply(x),
        _ => x,
    };
}
