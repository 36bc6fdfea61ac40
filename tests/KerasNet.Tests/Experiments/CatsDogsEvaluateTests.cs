using System.Text.Json;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Harness;
using KerasNet.Keras;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Experiments;

public class CatsDogsEvaluateTests
{
    /// <summary>Tiny Kaggle-named images: cats dark, dogs bright, with noise.</summary>
    private static void WriteImages(string folder, int perClass, int seed)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(seed);
        for (int i = 0; i < perClass; i++)
            foreach (var (name, level) in new[] { ("cat", 60.0), ("dog", 190.0) })
            {
                var pixels = Enumerable.Range(0, 32 * 32 * 3).Select(_ => (float)(level + rng.Next(-40, 40))).ToArray();
                using var img = Tensor.FromArray(pixels, 32, 32, 3);
                keras.utils.save_img(Path.Combine(folder, $"{name}.{seed * 100 + i}.jpg"), img);
            }
    }

    [Fact]
    public void Evaluate_rebuilds_a_run_loads_its_best_weights_and_reports_what_the_model_predicts()
    {
        using var dir = new Fixtures.TempDir();
        var data = Path.Combine(dir.Path, "data");
        WriteImages(Path.Combine(data, "training_data"), 4, 1);
        WriteImages(Path.Combine(data, "validation_data"), 3, 2);
        WriteImages(Path.Combine(data, "test_data"), 5, 3);
        var run = Path.Combine(dir.Path, "runs", "dropout");
        var evalRun = Path.Combine(dir.Path, "runs", "eval");
        var previousDataDir = KerasConfig.DataDir;
        try
        {
            var quiet = new StringWriter();
            Assert.Equal(0, Runner.Run(new CatsDogsDropout(), new ExperimentOptions { DataDir = data, Epochs = 2, Output = run, Verbose = 0 }, quiet));
            Assert.True(File.Exists(Path.Combine(run, "best_weights.h5")));
            Assert.Equal([Path.Combine(dir.Path, "runs", "dropout")], CatsDogsEvaluate.FinishedRuns(Path.Combine(dir.Path, "runs")));

            Assert.Equal(0, Runner.Run(new CatsDogsEvaluate(), new ExperimentOptions { DataDir = data, Output = evalRun, Verbose = 0, Runs = [run] }, quiet));

            // the same model and weights, predicted directly, give the recorded matrix
            var model = CatsDogsModels.Dropout();
            model.load_weights(Path.Combine(run, "best_weights.h5"));
            var (x, y, testFiles) = CatsDogsData.Load(Path.Combine(data, "test_data"), TextWriter.Null);
            using var p = model.predict(x);
            var pred = p.ToArray<float>().Select(v => v > 0.5f ? 1 : 0).ToArray();
            var truth = y.ToArray<float>().Select(v => (int)v).ToArray();
            var expected = new long[2, 2];
            for (int i = 0; i < pred.Length; i++) expected[truth[i], pred[i]]++;
            x.Dispose();
            y.Dispose();

            using var evaluation = JsonDocument.Parse(File.ReadAllText(Path.Combine(evalRun, "evaluation.json")));
            var entry = evaluation.RootElement[0];
            Assert.Equal("catsdogs-dropout", entry.GetProperty("experiment").GetString());
            Assert.Equal(10, entry.GetProperty("test_images").GetInt32());
            var m = entry.GetProperty("confusion_matrix");
            for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(expected[i, j], m[i][j].GetInt64());
            double accuracy = (expected[0, 0] + expected[1, 1]) / 10.0;
            Assert.Equal(accuracy, entry.GetProperty("accuracy").GetDouble(), 12);
            Assert.True(File.Exists(Path.Combine(evalRun, "dropout.confusion_matrix.svg")));
            Assert.StartsWith("true\\predicted,cat,dog\n", File.ReadAllText(Path.Combine(evalRun, "dropout.confusion_matrix.csv")));
            Assert.Contains("f1-score", File.ReadAllText(Path.Combine(evalRun, "dropout.classification_report.txt")));
            // compare now shows the run's test accuracy
            Assert.Equal(accuracy, RunTable.LoadOne(run).TestAcc!.Value, 12);

            // the run saved its model (best weights) with its labels: the predict command classifies as the model does
            Assert.True(File.Exists(Path.Combine(run, "model.keras")));
            var predictor = new Predictor(run);
            Assert.Equal(["cat", "dog"], predictor.Labels);
            var results = predictor.Run(Predictor.Images([Path.Combine(data, "test_data")]), top: 2, TextWriter.Null);
            Assert.Equal(10, results.Count);
            var byFile = results.ToDictionary(r => Path.GetFileName(r.File));
            for (int i = 0; i < testFiles.Count; i++)
            {
                var r = byFile[Path.GetFileName(testFiles[i])];
                Assert.Equal(2, r.Top.Count);
                Assert.Equal(pred[i] == 1 ? "dog" : "cat", r.Top[0].Label);
                Assert.Equal(1.0, r.Top[0].Probability + r.Top[1].Probability, 6);
            }
            Assert.StartsWith("file,rank,label,probability\n", Predictor.Csv(results));
            Assert.Equal(10, JsonDocument.Parse(Predictor.Json(results)).RootElement.GetArrayLength());

            // exported for deployment (the export command): ONNX Runtime classifies as the trained model does
            var onnx = Path.Combine(run, "model.onnx");
            Assert.Contains("model.onnx", ModelExport.Run(run, onnx));
            Assert.True(File.Exists(Path.Combine(run, "model.labels.txt")));
            var deployed = new Predictor(onnx);
            Assert.Equal(["cat", "dog"], deployed.Labels);
            var viaOnnx = deployed.Run(Predictor.Images([Path.Combine(data, "test_data")]), top: 2, TextWriter.Null).ToDictionary(r => Path.GetFileName(r.File));
            foreach (var r in results)
            {
                var o = viaOnnx[Path.GetFileName(r.File)];
                Assert.Equal(r.Top[0].Label, o.Top[0].Label);
                Assert.Equal(r.Top[0].Probability, o.Top[0].Probability, 5);
            }
            // and catsdogs-evaluate reports the deployed model's accuracy beside the trained one's
            Assert.Equal(0, Runner.Run(new CatsDogsEvaluate(), new ExperimentOptions { DataDir = data, Output = evalRun + "-onnx", Verbose = 0, Runs = [run] }, quiet));
            using (var withOnnx = JsonDocument.Parse(File.ReadAllText(Path.Combine(evalRun + "-onnx", "evaluation.json"))))
            {
                var ort = withOnnx.RootElement[0].GetProperty("onnx_runtime");
                Assert.Equal(accuracy, ort.GetProperty("accuracy").GetDouble(), 12);
                Assert.Equal(10, ort.GetProperty("agreement").GetInt32());
                Assert.True(ort.GetProperty("max_abs_probability_difference").GetDouble() < 1e-5);
            }

            // no test split: the message names the folder and how to make it
            Directory.Delete(Path.Combine(data, "test_data"), recursive: true);
            var missing = Assert.Throws<DirectoryNotFoundException>(() => Runner.Run(new CatsDogsEvaluate(),
                new ExperimentOptions { DataDir = data, Output = evalRun, Verbose = 0, Runs = [run] }, quiet));
            Assert.Contains(Path.Combine(data, "test_data"), missing.Message);
            Assert.Contains("catsdogs-prepare", missing.Message);
        }
        finally
        {
            KerasConfig.DataDir = previousDataDir;
        }
    }

    [Fact]
    public void Evaluate_names_the_folder_that_is_not_a_run()
    {
        using var dir = new Fixtures.TempDir();
        var previousDataDir = KerasConfig.DataDir;
        try
        {
            var notRun = Path.Combine(dir.Path, "empty");
            Directory.CreateDirectory(notRun);
            var e = Assert.Throws<FileNotFoundException>(() => Runner.Run(new CatsDogsEvaluate(),
                new ExperimentOptions { DataDir = dir.Path, Output = Path.Combine(dir.Path, "eval"), Verbose = 0, Runs = [notRun] }, TextWriter.Null));
            Assert.Contains(notRun, e.Message);
            Assert.Contains("config.json", e.Message);
        }
        finally
        {
            KerasConfig.DataDir = previousDataDir;
        }
    }
}
