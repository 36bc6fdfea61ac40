using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Saving;

/// <summary>
/// Keras 3's <c>.keras</c> archive: a zip of config.json ({"module", "class_name", "config", "registered_name",
/// "build_config", "compile_config"}), metadata.json and model.weights.h5, whose layout is Keras 3's:
/// <c>layers/{name}/vars/{i}</c> for each layer's own weights (nested models: <c>layers/{model}/layers/{name}/vars/{i}</c>)
/// and <c>optimizer/vars/{i}</c>.
/// </summary>
internal static class KerasArchive
{
    public const string KerasVersion = "3.3.3";

    public static void Save(Model model, string path)
    {
        if (!model.built) throw new InvalidOperationException($"Model '{model.name}' is not built: nothing to save.");
        var entry = ModelFiles.ModelJson(model, keras3: true);
        entry["build_config"] = new JsonObject { ["input_shape"] = model.input_shape is { } s ? Json.FromShape(s) : null };
        if (TrainingConfig.From(model) is { } tc)
            entry["compile_config"] = new JsonObject
            {
                ["optimizer"] = tc["optimizer_config"]!.DeepClone(),
                ["loss"] = tc["loss"]!.DeepClone(),
                ["metrics"] = tc["metrics"]!.DeepClone(),
                ["loss_weights"] = null,
                ["weighted_metrics"] = null,
                ["run_eagerly"] = false,
                ["steps_per_execution"] = 1,
                ["jit_compile"] = false,
            };
        var metadata = new JsonObject
        {
            ["keras_version"] = KerasVersion,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", CultureInfo.InvariantCulture),
            ["kerasnet"] = H5Weights.FormatVersion,
        };
        AtomicFile.Write(path, tmp =>
        {
            var weightsTmp = tmp + ".weights.h5";
            try
            {
                using (var f = H5File.Create(weightsTmp))
                {
                    WriteLayers(f, "", model);
                    f.CreateGroup("/optimizer");
                    f.CreateGroup("/optimizer/vars");
                    if (model.optimizer is not null)
                    {
                        var weights = OptimizerWeights.Collect(model);
                        f.WriteStrings("/optimizer", "kerasnet_names", weights.Select(w => w.Name).ToList());
                        for (int i = 0; i < weights.Count; i++) f.WriteFloats($"/optimizer/vars/{i}", weights[i].Data, weights[i].Shape);
                    }
                    f.Close();
                }
                using var zip = ZipFile.Open(tmp, ZipArchiveMode.Create);
                WriteText(zip, "metadata.json", metadata.ToJsonString());
                WriteText(zip, "config.json", entry.ToJsonString());
                zip.CreateEntryFromFile(weightsTmp, "model.weights.h5", CompressionLevel.NoCompression);
            }
            finally
            {
                if (File.Exists(weightsTmp)) File.Delete(weightsTmp);
            }
        });
    }

    private static void WriteText(ZipArchive zip, string name, string text)
    {
        using var w = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open());
        w.Write(text);
    }

    // each layer's own weights under layers/{name}/vars; a nested model's layers under layers/{model}/layers/...
    private static void WriteLayers(H5File f, string prefix, Model model)
    {
        f.CreateGroup($"{prefix}/layers");
        foreach (var layer in model.layers)
        {
            var g = $"{prefix}/layers/{layer.name}";
            f.CreateGroup(g);
            if (layer is Model inner)
            {
                WriteLayers(f, g, inner);
                continue;
            }
            f.CreateGroup(g + "/vars");
            var vars = layer.variables;
            for (int i = 0; i < vars.Count; i++)
            {
                using var scope = new TensorScope();
                var value = vars[i].numpy();
                f.WriteFloats($"{g}/vars/{i}", value.ToArray<float>(), value.Shape);
            }
        }
    }

    private static void ReadLayers(H5File f, string prefix, Model model, string path)
    {
        foreach (var layer in model.layers)
        {
            var g = $"{prefix}/layers/{layer.name}";
            if (layer is Model inner)
            {
                ReadLayers(f, g, inner, path);
                continue;
            }
            var vars = layer.variables;
            int present = 0;
            while (f.Exists($"{g}/vars/{present}")) present++;
            if (present != vars.Count)
                throw new InvalidDataException(
                    $"{path}: layer '{layer.name}' ({layer.ClassName}) expects {vars.Count} weight(s), model.weights.h5 has {present} under '{g}/vars'.");
            for (int i = 0; i < vars.Count; i++)
            {
                var shape = f.DatasetShape($"{g}/vars/{i}");
                if (!shape.SequenceEqual(vars[i].shape))
                    throw new InvalidDataException(
                        $"{path}: shape mismatch in layer '{layer.name}' for weight '{vars[i].path}': the layer expects {Tensor.FormatShape(vars[i].shape)}, " +
                        $"the file has {Tensor.FormatShape(shape)} ('{g}/vars/{i}').");
                using var scope = new TensorScope();
                vars[i].assign(Tensor.FromArrayExact(f.ReadFloats($"{g}/vars/{i}", vars[i].NumElements), shape));
            }
        }
    }

    public static Model Load(string path, bool compile)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a .keras archive (not a valid zip file: {e.Message}).", e);
        }
        using (zip)
        {
            string Text(string name)
            {
                var e = zip.GetEntry(name) ?? throw new InvalidDataException($"{path}: the archive has no '{name}'; not a Keras 3 .keras file.");
                using var r = new StreamReader(e.Open());
                return r.ReadToEnd();
            }
            var entry = Json.Parse(Text("config.json"), path + " (config.json)") as JsonObject
                        ?? throw new InvalidDataException($"{path}: config.json is not a JSON object.");
            var model = ModelFiles.FromJson(entry, path);
            var weightsTmp = Path.Combine(Path.GetTempPath(), $"kerasnet-{Environment.ProcessId}-{Guid.NewGuid():N}.weights.h5");
            try
            {
                var weightsEntry = zip.GetEntry("model.weights.h5") ?? throw new InvalidDataException($"{path}: the archive has no 'model.weights.h5'.");
                weightsEntry.ExtractToFile(weightsTmp);
                using var f = H5File.Open(weightsTmp);
                ReadLayers(f, "", model, path);
                if (compile && entry["compile_config"] is JsonObject cc)
                {
                    var training = new JsonObject
                    {
                        ["optimizer_config"] = cc["optimizer"]?.DeepClone(),
                        ["loss"] = cc["loss"]?.DeepClone(),
                        ["metrics"] = cc["metrics"]?.DeepClone(),
                    };
                    if (TrainingConfig.Apply(model, training, path))
                    {
                        var names = f.ReadStrings("/optimizer", "kerasnet_names");
                        int count = 0;
                        while (f.Exists($"/optimizer/vars/{count}")) count++;
                        if (names is not null && names.Length == count)
                        {
                            var weights = names.Select((n, i) => (n, (Func<(float[], long[])>)(() =>
                            {
                                var shape = f.DatasetShape($"/optimizer/vars/{i}");
                                return (f.ReadFloats($"/optimizer/vars/{i}", shape.Aggregate(1L, (a, b) => a * b)), shape);
                            }))).ToList();
                            if (!OptimizerWeights.Restore(model, weights, path)) OptimizerWeights.WarnNotRestored(path, count);
                        }
                        else if (count > 0)
                        {
                            OptimizerWeights.WarnNotRestored(path, count);
                        }
                    }
                }
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
            finally
            {
                if (File.Exists(weightsTmp)) File.Delete(weightsTmp);
            }
        }
    }
}
