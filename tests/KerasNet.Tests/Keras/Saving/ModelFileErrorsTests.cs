using System.IO.Compression;
using System.Text.Json.Nodes;
using KerasNet.Engine;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Saving;

/// <summary>Bad model files and configs: a clear .NET exception naming the file, the layer and what to do — never a crash, never a half-built model.</summary>
public class ModelFileErrorsTests
{
    private static JsonObject Config()
    {
        using var m = keras.Sequential([keras.layers.Dense(3, input_shape: 4, name: "d1"), keras.layers.Dense(2, name: "d2")]);
        return JsonNode.Parse(m.to_json())!.AsObject();
    }

    private static JsonObject Layer(JsonObject model, int i) => model["config"]!["layers"]![i]!["config"]!.AsObject();

    [Fact]
    public void Unknown_keys_custom_classes_and_lambdas_are_refused_by_name()
    {
        var c = Config();
        Layer(c, 1)["units_typo"] = 3;
        var e = Assert.Throws<FormatException>(() => keras.models.model_from_json(c.ToJsonString()));
        Assert.Contains("'units_typo'", e.Message);
        Assert.Contains("Dense", e.Message);
        Assert.Contains("d1", e.Message);

        c = Config();
        c["config"]!["layers"]![2]!["class_name"] = "Lambda";
        var l = Assert.Throws<NotSupportedException>(() => keras.models.model_from_json(c.ToJsonString()));
        Assert.Contains("Lambda", l.Message);
        Assert.Contains("Python code", l.Message);

        c = Config();
        c["config"]!["layers"]![2]!["class_name"] = "MyAttention";
        var u = Assert.Throws<NotSupportedException>(() => keras.models.model_from_json(c.ToJsonString()));
        Assert.Contains("MyAttention", u.Message);
        Assert.Contains("d2", u.Message);

        c = Config();
        Layer(c, 1)["kernel_constraint"] = JsonNode.Parse("""{"class_name": "MaxNorm", "config": {"max_value": 2}}""");
        Assert.Contains("kernel_constraint", Assert.Throws<NotSupportedException>(() => keras.models.model_from_json(c.ToJsonString())).Message);

        c = Config();
        Layer(c, 1)["activation"] = "mish_typo";
        Assert.Contains("mish_typo", Assert.Throws<NotSupportedException>(() => keras.models.model_from_json(c.ToJsonString())).Message);

        Assert.Throws<FormatException>(() => keras.models.model_from_json("{not json"));
    }

    [Fact]
    public void Truncated_foreign_and_mismatched_files_name_the_file_and_the_problem()
    {
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        using var model = keras.Sequential([keras.layers.Dense(3, input_shape: 4, name: "d1"), keras.layers.Dense(2, name: "d2")]);
        var h5 = Path.Combine(dir.Path, "m.h5");
        var archive = Path.Combine(dir.Path, "m.keras");
        model.save(h5);
        model.save(archive);

        var cut = Path.Combine(dir.Path, "cut.h5");
        var bytes = File.ReadAllBytes(h5);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var e1 = Assert.ThrowsAny<Exception>(() => keras.models.load_model(cut));
        Assert.True(e1 is InvalidDataException or FormatException, e1.GetType().Name);
        Assert.Contains(cut, e1.Message);

        var text = Path.Combine(dir.Path, "notes.h5");
        File.WriteAllText(text, "not a model");
        var e2 = Assert.Throws<InvalidDataException>(() => keras.models.load_model(text));
        Assert.Contains("not a Keras model file", e2.Message);

        var badZip = Path.Combine(dir.Path, "bad.keras");
        File.WriteAllBytes(badZip, [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 1, 2, 3]);
        Assert.Contains(badZip, Assert.Throws<InvalidDataException>(() => keras.models.load_model(badZip)).Message);

        // a weight whose shape disagrees with the config: change d2's units inside the archive
        var edited = Path.Combine(dir.Path, "edited.keras");
        File.Copy(archive, edited);
        using (var zip = ZipFile.Open(edited, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("config.json")!;
            JsonObject config;
            using (var r = new StreamReader(entry.Open())) config = JsonNode.Parse(r.ReadToEnd())!.AsObject();
            entry.Delete();
            config["config"]!["layers"]![2]!["config"]!["units"] = 5;
            using var w = new StreamWriter(zip.CreateEntry("config.json").Open());
            w.Write(config.ToJsonString());
        }
        InvalidDataException e3;
        using (var leaks = TensorTracker.Start())
        {
            e3 = Assert.Throws<InvalidDataException>(() => keras.models.load_model(edited));
            Assert.Empty(leaks.Survivors);  // the half-built model's weights were freed at once
        }
        Assert.Contains("d2", e3.Message);
        Assert.Contains("[3, 5]", e3.Message);
        Assert.Contains("[3, 2]", e3.Message);

        var wrongExt = Path.Combine(dir.Path, "m.onnx");
        Assert.Contains(".keras", Assert.Throws<ArgumentException>(() => model.save(wrongExt)).Message);
        Assert.Throws<FileNotFoundException>(() => keras.models.load_model(Path.Combine(dir.Path, "missing.keras")));
        Assert.Contains("SavedModel", Assert.Throws<NotSupportedException>(() => keras.models.load_model(dir.Path)).Message);
    }
}
