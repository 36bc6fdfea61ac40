using System.Xml.Linq;
using KerasNet.Harness;

namespace KerasNet.Tests.Harness;

public class HarnessTests
{
    private static readonly Dictionary<string, List<double>> History = new()
    {
        ["accuracy"] = [0.5, 0.7, 0.9],
        ["val_accuracy"] = [0.55, 0.68, 0.7],
        ["loss"] = [0.9, 0.5, 0.2],
        ["val_loss"] = [0.8, 0.6, 0.65],
    };

    [Fact]
    public void Learning_curves_are_valid_SVG_charts_with_titled_axes_round_ticks_and_a_legend()
    {
        var svg = XDocument.Parse(LearningCurves.Svg(History, "catsdogs-baseline <test>"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = svg.Descendants(ns + "text").Select(t => t.Value.Trim()).ToList();
        foreach (var expected in new[] { "catsdogs-baseline <test>: accuracy", "catsdogs-baseline <test>: loss", "training accuracy", "validation accuracy",
                     "training loss", "validation loss", "epoch", "accuracy", "loss" })
            Assert.Contains(expected, texts);
        // tick labels are round numbers (no 0.000233-style values), the epochs whole
        var numbers = texts.Where(t => double.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out _)).ToList();
        Assert.NotEmpty(numbers);
        Assert.All(numbers, t => Assert.Matches(@"^-?\d+(\.\d{1,2})?$", t));
        Assert.Contains("3", numbers);
        // a loss falling over more than a decade is drawn on a log axis
        var wide = new Dictionary<string, List<double>> { ["loss"] = [5.0, 0.8, 0.09], ["val_loss"] = [4.0, 1.0, 0.2] };
        Assert.Contains("loss (log scale)", XDocument.Parse(LearningCurves.Svg(wide, "x")).Descendants(ns + "text").Select(t => t.Value.Trim()));
        // two charts in one page do not share clip-path ids
        var ids = new[] { LearningCurves.Svg(History, "a"), LearningCurves.Svg(History, "b") }
            .SelectMany(s => XDocument.Parse(s).Descendants(ns + "clipPath").Select(c => c.Attribute("id")!.Value)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    private static string Run(Fixtures.TempDir dir, string name, string? metrics, bool config = true)
    {
        var folder = Path.Combine(dir.Path, name);
        Directory.CreateDirectory(folder);
        if (config) File.WriteAllText(Path.Combine(folder, "config.json"), $"{{\"experiment\": \"{name}\", \"backbone\": \"mobilenet\", \"precision\": \"float32\", \"epochs\": 30}}");
        if (metrics is not null) File.WriteAllText(Path.Combine(folder, "metrics.json"), metrics);
        return folder;
    }

    [Fact]
    public void Compare_reads_complete_incomplete_and_corrupt_runs_without_failing()
    {
        using var dir = new Fixtures.TempDir();
        var done = Run(dir, "catsdogs-bottleneck", "{\"best_val_accuracy\": 0.93, \"final_val_accuracy\": 0.92, \"wall_seconds\": 73.2, \"train_images_per_second\": 1500.5, \"article\": \"val acc 0.88 (VGG16)\"}");
        var running = Run(dir, "catsdogs-augment", metrics: null);
        var corrupt = Run(dir, "catsdogs-dropout", "{\"best_val_accuracy\": 0.7");
        var array = Run(dir, "catsdogs-baseline", "[1, 2]");  // valid JSON, not a record
        File.WriteAllText(Path.Combine(array, "config.json"), "{\"experiment\": 3");
        Assert.False(RunTable.Load([array])[0].Complete);
        var rows = RunTable.Load([done, running, corrupt]);
        var cells = rows.Select(RunTable.Cells).ToList();
        Assert.Equal(["catsdogs-bottleneck", "mobilenet", "float32", "", "30", "0.9300", "0.9200", "", "val acc 0.88 (VGG16)", "0:01:13", "1500", done], cells[0]);
        Assert.Equal("incomplete", cells[1][9]);
        Assert.False(rows[2].Complete);
        File.WriteAllText(Path.Combine(done, "history.csv"), RunRecords.HistoryCsv(History));
        var html = RunTable.Html(rows);
        Assert.Contains("<td>catsdogs-bottleneck</td>", html);
        Assert.Contains("catsdogs-bottleneck: accuracy", html);  // its curves, drawn from its history
        Assert.Contains("validation accuracy per epoch", html);  // and every run's on one chart
        Assert.Equal(History["val_accuracy"], RunRecords.ReadHistory(done)!["val_accuracy"]);
        // an augmenting run's preview strip: the image and its copies side by side, captioned, embedded in the page
        var preview = Path.Combine(done, "augmentation_preview.png");
        ImageStrip.WritePng(preview, [(Enumerable.Repeat(200f, 4 * 5 * 3).ToArray(), "original"), (new float[4 * 5 * 3], "augmented 1")], 4, 5);
        using (var strip = KerasNet.KerasApi.keras.utils.load_img(preview))
        {
            Assert.Equal(new long[] { 4 + 22, 2 * 5 + 8, 3 }, strip.Shape);
            Assert.Equal((byte)200, strip.ToArray<byte>()[0]);  // the first tile's top-left pixel
        }
        Assert.Contains("Augmentation: one training image and five augmented copies", RunTable.Html(RunTable.Load([done])));
        Assert.Contains("incomplete", html);

        // distributed runs say how many replicas or workers trained them
        var workers = Run(dir, "fashion-mnist", "{\"images_per_second\": 4559.3}");
        File.WriteAllText(Path.Combine(workers, "config.json"), "{\"experiment\": \"fashion-mnist\", \"replicas\": 2, \"workers\": 2}");
        var replicas = Run(dir, "fashion-mnist-r2", "{}");
        File.WriteAllText(Path.Combine(replicas, "config.json"), "{\"experiment\": \"fashion-mnist\", \"replicas\": 2, \"workers\": 1}");
        Assert.Equal(["2 workers", "2 replicas"], RunTable.Load([workers, replicas]).Select(r => RunTable.Cells(r)[3]));

        // an evaluation's confusion matrices are on the page too
        var evaluation = Run(dir, "catsdogs-evaluate", "{\"wall_seconds\": 30}");
        var report = new ClassificationReport([0, 1, 1], [0, 1, 0], ["cat", "dog"]);
        File.WriteAllText(Path.Combine(evaluation, "r1.confusion_matrix.svg"), report.MatrixSvg("r1 on 3 test images"));
        Assert.Contains("r1 on 3 test images", RunTable.Html(RunTable.Load([evaluation])));
    }

    private sealed class Failing : Experiment
    {
        public override string Name => "failing";
        public override string Description => "throws after it starts";
        public override string ArticleResult => "";

        public override ExperimentResult Run(ExperimentContext context) =>
            throw new InvalidDataException("cat.7.jpg: cannot decode image: truncated");
    }

    [Fact]
    public void A_failed_run_says_failed_and_why_and_folders_that_are_not_runs_are_left_out()
    {
        using var dir = new Fixtures.TempDir();
        var run = Path.Combine(dir.Path, "run");
        var e = Assert.Throws<InvalidDataException>(() => Runner.Run(new Failing(), new ExperimentOptions { Output = run, Verbose = 0 }, TextWriter.Null));
        using (var failure = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunRecords.FailureFile))))
            Assert.Equal(e.Message, failure.RootElement.GetProperty("error").GetString());
        var cache = Path.Combine(dir.Path, "feature-cache");
        Directory.CreateDirectory(cache);
        File.WriteAllText(Path.Combine(cache, "mobilenet-training_data-0123.f32"), "");
        var rows = RunTable.Load([run, cache]);
        var row = Assert.Single(rows);
        Assert.Equal("failing", row.Experiment);
        Assert.False(row.Complete);
        var cells = RunTable.Cells(row);
        Assert.Contains("failed: cat.7.jpg: cannot decode image: truncated", cells);
        Assert.DoesNotContain("incomplete", cells);
    }

    [Fact]
    public void Options_that_would_do_nothing_or_be_ignored_are_refused()
    {
        using var dir = new Fixtures.TempDir();
        var run = Path.Combine(dir.Path, "run");
        var e = Assert.Throws<ArgumentException>(() => Runner.Run(new Failing(), new ExperimentOptions { Output = run, StepsPerEpoch = 0 }, TextWriter.Null));
        Assert.Contains("--steps-per-epoch must be a positive number of steps, got 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => Runner.Run(new Failing(), new ExperimentOptions { Output = run, TaskIndex = 1 }, TextWriter.Null));
        Assert.Contains("--task-index applies with --cluster", e.Message);
        Assert.False(Directory.Exists(run));  // refused before a run folder is made
    }
}
