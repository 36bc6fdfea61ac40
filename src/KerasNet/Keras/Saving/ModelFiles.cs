using System.Text.Json.Nodes;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Saving;

/// <summary>
/// model.save / keras.models.load_model / to_json / model_from_json: picks the format by extension (.h5/.hdf5:
/// Keras HDF5; .keras: Keras 3 archive) and converts between Keras's JSON envelope and models.
/// </summary>
public static class ModelFiles
{
    /// <summary>{"class_name", "config", "keras_version", "backend"} (Keras 3: "module", "registered_name").</summary>
    public static JsonObject ModelJson(Model model, bool keras3 = false)
    {
        var o = new JsonObject { ["class_name"] = model.ClassName, ["config"] = model.get_config() };
        if (keras3) return (JsonObject)Keras3(o, "keras");
        o["keras_version"] = H5Weights.FormatVersion;
        o["backend"] = "tensorflow";
        return o;
    }

    /// <summary>A model from Keras's JSON envelope of any dialect.</summary>
    public static Model FromJson(JsonObject json, string source)
    {
        var layer = LayerConfig.Deserialize(json, source);
        return layer as Model ?? throw new InvalidDataException(
            $"{source}: the JSON describes a single {layer.ClassName} layer, not a model (Sequential or Functional).");
    }

    public static void Save(Model model, string filepath, bool include_optimizer = true)
    {
        ArgumentNullException.ThrowIfNull(filepath);
        switch (Path.GetExtension(filepath).ToLowerInvariant())
        {
            case ".h5" or ".hdf5":
                H5Model.Save(model, filepath, include_optimizer);
                break;
            case ".keras":
                KerasArchive.Save(model, filepath);
                break;
            default:
                throw new ArgumentException(
                    $"Invalid filepath extension for saving '{filepath}'. Please add either a `.keras` extension for the native Keras format " +
                    "(recommended) or a `.h5` extension.");
        }
    }

    public static Model Load(string filepath, bool compile = true)
    {
        ArgumentNullException.ThrowIfNull(filepath);
        if (Directory.Exists(filepath))
            throw new NotSupportedException(
                $"{filepath} is a directory: TensorFlow SavedModel folders cannot be loaded by KerasNet. In Python, re-save the model with " +
                "model.save(\"model.keras\") or model.save(\"model.h5\").");
        if (!File.Exists(filepath)) throw new FileNotFoundException($"{filepath}: no such model file.", filepath);
        Span<byte> head = stackalloc byte[8];
        int n;
        using (var s = File.OpenRead(filepath)) n = s.Read(head);
        if (n >= 4 && head[0] == 'P' && head[1] == 'K') return KerasArchive.Load(filepath, compile);
        if (n >= 8 && head[0] == 0x89 && head[1] == 'H' && head[2] == 'D' && head[3] == 'F') return H5Model.Load(filepath, compile);
        // ONNX has no magic bytes: by its extension; the importer refuses what is not ONNX
        if (filepath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return Onnx.OnnxImporter.Import(filepath);
        throw new InvalidDataException(
            $"{filepath}: not a Keras model file (neither an HDF5 .h5 file nor a .keras zip archive; {new FileInfo(filepath).Length} bytes).");
    }

    // Keras 3's spelling: every serialized object gets "module" and "registered_name"; InputLayer's shape is batch_shape.
    internal static JsonNode Keras3(JsonNode node, string module)
    {
        if (node is JsonArray a)
        {
            for (int i = 0; i < a.Count; i++)
                if (a[i] is { } item) a[i] = Keras3(item.DeepClone(), module);
            return a;
        }
        if (node is not JsonObject o) return node;
        if (o["class_name"] is JsonValue && o["config"] is JsonObject config)
        {
            var cls = o["class_name"]!.GetValue<string>();
            var result = new JsonObject
            {
                ["module"] = cls is "Sequential" or "Functional" ? "keras" : module,
                ["class_name"] = cls,
                ["config"] = Keras3Config(cls, config),
                ["registered_name"] = null,
            };
            foreach (var (k, v) in o)
                if (k is not ("class_name" or "config")) result[k] = v?.DeepClone();
            return result;
        }
        return o;
    }

    private static JsonObject Keras3Config(string cls, JsonObject config)
    {
        var c = new JsonObject();
        foreach (var (k, v) in config)
        {
            string key = cls == "InputLayer" && k == "batch_input_shape" ? "batch_shape" : k;
            if (cls == "InputLayer" && k == "ragged") continue;
            string module = k.EndsWith("_initializer", StringComparison.Ordinal) ? "keras.initializers"
                : k.EndsWith("_regularizer", StringComparison.Ordinal) ? "keras.regularizers" : "keras.layers";
            c[key] = v is null ? null : Keras3(v.DeepClone(), module);
        }
        return c;
    }
}
