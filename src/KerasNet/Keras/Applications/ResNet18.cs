using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using KerasNet.Onnx;

namespace KerasNet.Keras.Applications;

/// <summary>
/// ResNet18 (He et al. 2015, basic blocks), ImageNet weights: the model ML.NET's DnnImageFeaturizer runs,
/// CNTK's variant with 2, 2, 2 and 3 blocks in its four stages (22 convolutions, 15.9 M weights; torchvision's
/// has 2 blocks in the last stage), imported from the ONNX file of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (a CNTK 2.6
/// export) into our layers, named like Keras's ResNets: conv1_pad, conv1_conv, conv1_bn, conv1_relu, pool1_pad,
/// pool1_pool, then conv{2..5}_block{1,2}_{1,2}_conv/_bn/_relu, the projection shortcut _0_conv/_0_bn, _add and
/// _out. Inputs are 224×224 BGR minus the package's mean image (<see cref="PreprocessInput"/>: what
/// ResNetPreprocess.onnx does to 0-255 RGB).
/// </summary>
public static class ResNet18
{
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18", PackageVersion = "0.23.1";
    public const string ModelFile = "ResNet18.onnx", PreprocessFile = "ResNetPreprocess.onnx";
    public const int Size = 224;

    /// <summary>SHA-256 of the two files of the package version above.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownHashes = new Dictionary<string, string>
    {
        [ModelFile] = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f",
        [PreprocessFile] = "84bf8def78d0befaa3f6e73745d57d7016c6a192ead76f79686bd438c1047004",
    };

    private static readonly ConcurrentDictionary<string, string> Verified = new();

    /// <summary>
    /// Where a file of the package is: $KERAS_HOME/models (offline copies), else the NuGet folder that restored
    /// it ($NUGET_PACKAGES, the root this library was built with, ~/.nuget/packages). Checked against its hash.
    /// </summary>
    public static string FilePath(string file)
    {
        string sub = file == ModelFile ? "ResNet18Onnx" : "ResNetPrepOnnx";
        var roots = new List<string?>
        {
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            typeof(ResNet18).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value,
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        var candidates = new List<string> { Path.Combine(KerasConfig.KerasHome, "models", file) };
        candidates.AddRange(roots.Where(r => !string.IsNullOrEmpty(r)).Select(r =>
            Path.Combine(r!, Package.ToLowerInvariant(), PackageVersion, "tools", "DnnImageModels", sub, file)));
        var path = candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"{file} (ResNet18 ImageNet) was not found. It comes with the NuGet package {Package} {PackageVersion}, which building " +
            $"KerasNet restores into the NuGet folder (dotnet restore/build with nuget.org or a mirror reachable); offline, copy it to " +
            $"{Path.Combine(KerasConfig.KerasHome, "models", file)}. Looked in: {string.Join(", ", candidates)}.", file);
        Verified.GetOrAdd(path, p =>
        {
            using var s = File.OpenRead(p);
            var hash = Convert.ToHexStringLower(SHA256.HashData(s));
            if (hash != KnownHashes[file])
                throw new InvalidDataException($"{p}: SHA-256 {hash} is not that of {file} in {Package} {PackageVersion} ({KnownHashes[file]}); the file is damaged or another version.");
            return hash;
        });
        return path;
    }

    public static Functional Build(bool include_top = false, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, string? name = null)
    {
        if (include_top)
            throw new ArgumentException("ResNet18 has no ImageNet classifier here: the ONNX file of ML.NET's featurizer ends at the 512 pooled features. Use include_top: false (with pooling: \"avg\" for the features).");
        if (pooling is not (null or "avg" or "max")) throw new ArgumentException($"pooling must be null, \"avg\" or \"max\", got '{pooling}'.");
        input_shape ??= input_tensor?.shape.WithoutBatch() ?? new Shape(Size, Size, 3);
        if (input_shape.Rank != 3 || input_shape[2] != 3 || input_shape[0] is < 32 || input_shape[1] is < 32)
            throw new ArgumentException($"ResNet18: input_shape should be (height, width, 3) with height and width at least 32, got {input_shape}.");
        var inputs = input_tensor ?? new InputLayer(input_shape, name: "input_layer").Output;
        var x = Apply(inputs);
        if (pooling == "avg") x = new GlobalAveragePooling2D(name: "avg_pool").Apply(x);
        else if (pooling == "max") x = new GlobalMaxPooling2D(name: "max_pool").Apply(x);
        var model = new Functional([inputs], [x], name ?? "resnet18");
        switch (weights)
        {
            case "imagenet": break;
            case null:  // the same architecture with fresh (Keras-initialized) weights
                var fresh = Functional.from_config(model.get_config());
                model.Dispose();
                return fresh;
            default:
                if (!File.Exists(weights))
                    throw new ArgumentException($"The weights argument should be null (random initialization), \"imagenet\" (pre-training on ImageNet), or the path to the weights file to be loaded; no file at '{weights}'.");
                model.load_weights(weights);
                break;
        }
        return model;
    }

    /// <summary>The convolutional part of the ONNX file (all but its final 7×7 average pool) applied to <paramref name="x"/> (preprocessed images), as layers of the caller's model.</summary>
    public static KerasTensor Apply(KerasTensor x)
    {
        var path = FilePath(ModelFile);
        var file = OnnxFile.Load(path);
        var names = KerasNames(file.Graph);
        var (_, outputs) = OnnxImporter.ImportGraph(file, path, [x], (node, role) => names.TryGetValue((node, role), out var n) ? n : null, stopBefore: "AveragePool");
        return outputs[0];
    }

    /// <summary>
    /// Keras's ResNet names for the file's nodes, from their order: the stem (conv, bn, relu, max pool), then
    /// basic blocks, each conv, bn, relu, conv, bn, add, relu; a block whose input also goes through a 1×1
    /// projection (conv, bn: "_0_") starts a stage.
    /// </summary>
    private static Dictionary<(string, string), string> KerasNames(global::Onnx.GraphProto graph)
    {
        var names = new Dictionary<(string, string), string>();
        var convId = new Dictionary<string, string>();  // conv output → its id in the block, for the bn after it
        var blockInput = "";
        int stage = 1, b = 0, convInBlock = 0;
        bool stem = true;
        void StartBlock(string input)
        {
            blockInput = input;
            convInBlock = 0;
            // a block with a 1×1 projection of its input starts a stage (so does the first)
            if (stage == 1 || graph.Node.Any(c => c.OpType == "Conv" && c.Input[0] == input && IsOneByOne(c))) { stage++; b = 1; }
            else b++;
        }
        foreach (var n in graph.Node)
        {
            if (stem)
            {
                switch (n.OpType)
                {
                    case "Conv": names[(n.Name, "")] = "conv1_conv"; names[(n.Name, "pad")] = "conv1_pad"; continue;
                    case "BatchNormalization": names[(n.Name, "")] = "conv1_bn"; continue;
                    case "Relu": names[(n.Name, "")] = "conv1_relu"; continue;
                    case "MaxPool":
                        names[(n.Name, "")] = "pool1_pool"; names[(n.Name, "pad")] = "pool1_pad";
                        stem = false;
                        StartBlock(n.Output[0]);
                        continue;
                }
            }
            var prefix = $"conv{stage}_block{b}";
            switch (n.OpType)
            {
                case "Conv":
                    bool shortcut = n.Input[0] == blockInput && IsOneByOne(n);
                    string id = shortcut ? "0" : (++convInBlock).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    names[(n.Name, "")] = $"{prefix}_{id}_conv";
                    names[(n.Name, "pad")] = $"{prefix}_{id}_pad";
                    convId[n.Output[0]] = id;
                    break;
                case "BatchNormalization":
                    names[(n.Name, "")] = $"{prefix}_{convId.GetValueOrDefault(n.Input[0], "x")}_bn";
                    break;
                case "Relu" when graph.Node.Any(a => a.OpType == "Add" && a.Output[0] == n.Input[0]):
                    names[(n.Name, "")] = $"{prefix}_out";
                    StartBlock(n.Output[0]);
                    break;
                case "Relu":
                    names[(n.Name, "")] = $"{prefix}_1_relu";
                    break;
                case "Add":
                    names[(n.Name, "")] = $"{prefix}_add";
                    break;
                case "AveragePool":
                    names[(n.Name, "")] = "avg_pool";
                    break;
            }
        }
        return names;
    }

    private static bool IsOneByOne(global::Onnx.NodeProto n) => n.Attribute.FirstOrDefault(a => a.Name == "kernel_shape")?.Ints is [1, 1];

    /// <summary>
    /// keras.applications.resnet18.preprocess_input: 0-255 RGB (N, H, W, 3) → BGR minus the package's mean image
    /// (224×224), exactly what ResNetPreprocess.onnx computes.
    /// </summary>
    public static Tensor PreprocessInput(Tensor x)
    {
        if (x.Shape is not [_, Size, Size, 3])
            throw new ArgumentException($"resnet18.preprocess_input: expected (N, {Size}, {Size}, 3) RGB 0-255 (the mean image is {Size}×{Size}), got {Tensor.FormatShape(x.Shape)}.");
        using var scope = new TensorScope();
        using var mean = MeanImage();
        var bgr = x.AsType(DType.Float32).IndexSelect(3, Tensor.FromArray(new long[] { 2, 1, 0 }, 3));
        return (bgr - mean).MoveToOuterScope();
    }

    /// <summary>The package's mean image as (1, 224, 224, 3), BGR (ResNetPreprocess.onnx's MeanImage, transposed from NCHW).</summary>
    public static Tensor MeanImage() => Tensor.FromArray(MeanImageData.Value, 1, Size, Size, 3);

    /// <summary>Read once per process: preprocess_input runs per batch.</summary>
    private static readonly Lazy<float[]> MeanImageData = new(LoadMeanImage, LazyThreadSafetyMode.PublicationOnly);  // a missing file is not cached

    private static float[] LoadMeanImage()
    {
        var path = FilePath(PreprocessFile);
        var t = OnnxFile.Load(path).Graph.Initializer.Single(i => i.Name == "MeanImage");
        return OnnxImporter.Permute(OnnxFile.Floats(t, path), t.Dims.ToArray(), [0, 2, 3, 1]);
    }

    /// <summary>
    /// The preprocessing as layers, for models fed [0, 1] images (the article's rescaled arrays): Rescaling(255),
    /// then ResNetPreprocess.onnx imported (the RGB→BGR reorder as a fixed 1×1 convolution "bgr", the mean image
    /// as a Normalization "mean_image").
    /// </summary>
    public static KerasTensor ApplyPreprocessing(KerasTensor x)
    {
        x = new Rescaling(255, name: "rescaling").Apply(x);
        var names = new Dictionary<string, string> { ["BGRInput"] = "bgr", ["PreprocessedInput"] = "mean_image" };
        var (_, outputs) = OnnxImporter.ImportGraph(FilePath(PreprocessFile), [x], (node, role) => names.GetValueOrDefault(node));
        return outputs[0];
    }
}
