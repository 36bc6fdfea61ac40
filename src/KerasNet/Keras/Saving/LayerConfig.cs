using System.Text.Json.Nodes;
using KerasNet.Keras.Initializers;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using KerasNet.Keras.Regularizers;

namespace KerasNet.Keras.Saving;

/// <summary>
/// Keras's layer (de)serialization: {"class_name": ..., "config": layer.get_config()} out, and the registry of
/// layer classes KerasNet can rebuild from such an object in. A class not in the registry — Lambda, a user's
/// custom layer — is an error that names the layer, the class and what to do.
/// </summary>
public static class LayerConfig
{
    private static readonly Dictionary<string, Func<ConfigReader, Layer>> Registry = new()
    {
        ["InputLayer"] = InputLayer.FromConfig,
        ["Conv2D"] = Conv2D.FromConfig,
        ["Convolution2D"] = Conv2D.FromConfig,
        ["DepthwiseConv2D"] = DepthwiseConv2D.FromConfig,
        ["SeparableConv2D"] = SeparableConv2D.FromConfig,
        ["SeparableConvolution2D"] = SeparableConv2D.FromConfig,
        ["Dense"] = Dense.FromConfig,
        ["BatchNormalization"] = BatchNormalization.FromConfig,
        ["MaxPooling2D"] = MaxPooling2D.FromConfig,
        ["MaxPool2D"] = MaxPooling2D.FromConfig,
        ["AveragePooling2D"] = AveragePooling2D.FromConfig,
        ["AvgPool2D"] = AveragePooling2D.FromConfig,
        ["GlobalAveragePooling2D"] = GlobalAveragePooling2D.FromConfig,
        ["GlobalAvgPool2D"] = GlobalAveragePooling2D.FromConfig,
        ["GlobalMaxPooling2D"] = GlobalMaxPooling2D.FromConfig,
        ["GlobalMaxPool2D"] = GlobalMaxPooling2D.FromConfig,
        ["Flatten"] = Flatten.FromConfig,
        ["Dropout"] = Dropout.FromConfig,
        ["Activation"] = Activation.FromConfig,
        ["ReLU"] = ReLU.FromConfig,
        ["LeakyReLU"] = LeakyReLU.FromConfig,
        ["Softmax"] = Softmax.FromConfig,
        ["Rescaling"] = Rescaling.FromConfig,
        ["Resizing"] = Resizing.FromConfig,
        ["CenterCrop"] = CenterCrop.FromConfig,
        ["RandomCrop"] = RandomCrop.FromConfig,
        ["RandomFlip"] = RandomFlip.FromConfig,
        ["RandomRotation"] = RandomRotation.FromConfig,
        ["RandomZoom"] = RandomZoom.FromConfig,
        ["RandomTranslation"] = RandomTranslation.FromConfig,
        ["RandomContrast"] = RandomContrast.FromConfig,
        ["RandomBrightness"] = RandomBrightness.FromConfig,
        ["RandomResizedCrop"] = RandomResizedCrop.FromConfig,
        ["RandomColorJitter"] = RandomColorJitter.FromConfig,
        ["RandomHue"] = RandomHue.FromConfig,
        ["Reshape"] = Reshape.FromConfig,
        ["ZeroPadding2D"] = ZeroPadding2D.FromConfig,
        ["Permute"] = Permute.FromConfig,
        ["Normalization"] = Normalization.FromConfig,
        ["Concatenate"] = Concatenate.FromConfig,
        ["Add"] = c => new Add(c.Name),
        ["Multiply"] = c => new Multiply(c.Name),
        ["Average"] = c => new Average(c.Name),
        ["Subtract"] = c => new Subtract(c.Name),
        ["Maximum"] = c => new Maximum(c.Name),
        ["Minimum"] = c => new Minimum(c.Name),
    };

    /// <summary>The Keras class names from_config understands (models: Sequential, Functional, Model).</summary>
    public static IReadOnlyCollection<string> KnownClasses => [.. Registry.Keys, "Sequential", "Functional", "Model"];

    public static JsonObject Serialize(Initializer i) => Json.Object(i.ClassName, i.get_config());

    public static JsonObject? Serialize(Regularizer? r) => r is null ? null : Json.Object(r.ClassName, r.get_config());

    /// <summary>{"class_name", "config"} of a layer (a model's config nests its layers this way).</summary>
    public static JsonObject Serialize(Layer layer) => Json.Object(layer.ClassName, layer.get_config());

    /// <summary>A layer (or a nested model) from {"class_name", "config"}; <paramref name="source"/> names the file in messages.</summary>
    public static Layer Deserialize(JsonNode? node, string? source = null)
    {
        var o = node as JsonObject ?? throw new FormatException($"{source ?? "config"}: a layer entry must be an object, got {Json.Short(node)}.");
        var cls = Json.ClassName(o, source ?? "config");
        if (cls == "Sequential" && o["config"] is JsonArray bare) return Sequential.from_config(bare, source);  // Keras 1/2.0's bare layer list
        var config = o["config"] as JsonObject
                     ?? throw new FormatException($"{source ?? "config"}: layer entry of class {cls} without a 'config' object.");
        if (o["module"]?.GetValue<string>() is { } module && !module.StartsWith("keras", StringComparison.Ordinal))
            throw Custom(cls, config, source, $"module '{module}'");
        switch (cls)
        {
            case "Sequential": return Sequential.from_config(config, source);
            case "Functional" or "Model": return Functional.from_config(config, source);
        }
        if (!Registry.TryGetValue(cls, out var make))
        {
            if (cls is "Lambda" or "TFOpLambda" or "SlicingOpLambda")
                throw new NotSupportedException(
                    $"{source ?? "config"}: layer '{config["name"]}' is a {cls}: it holds Python code, which cannot be loaded in .NET. " +
                    "Rebuild that part of the model in C# (keras.Model over the loaded layers) or replace the Lambda by a built-in layer before saving.");
            throw Custom(cls, config, source, "class");
        }
        var reader = new ConfigReader(cls, config, source);
        Layer layer;
        try
        {
            layer = make(reader);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{reader.Where}: {e.Message}", e);
        }
        reader.Finish();
        layer.ApplyCommonConfig(reader.Trainable, reader.Policy, reader.InputShape);
        return layer;
    }

    private static NotSupportedException Custom(string cls, JsonObject config, string? source, string what) =>
        new($"{source ?? "config"}: layer '{config["name"]}' has the unknown {what} '{cls}' — a custom or newer layer KerasNet does not have. " +
            $"Known layer classes: {string.Join(", ", KnownClasses.Order())}.");
}
