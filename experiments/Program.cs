using System.CommandLine;
using KerasNet.Experiments.Experiments;
using KerasNet.Harness;
using Spectre.Console;

// kerasnet-experiments: `list`, or an experiment name with the common options.
var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the data sets (default: standard locations)", Recursive = true };
var epochs = new Option<int?>("--epochs") { Description = "Epochs (default: the article's)", Recursive = true };
var steps = new Option<int?>("--steps-per-epoch") { Description = "Steps per epoch (default: the whole data set)", Recursive = true };
var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42, Recursive = true };
var output = new Option<string?>("--output") { Description = "The run folder (default: runs/<experiment>-<time>); the same folder resumes a killed run", Recursive = true };
var threads = new Option<int?>("--threads") { Description = "Engine threads (default: core count)", Recursive = true };
var verbose = new Option<int>("--verbose") { Description = "0 silent, 1 progress bar, 2 one line per epoch", DefaultValueFactory = _ => 1, Recursive = true };
var precision = new Option<string>("--precision") { Description = "float32 or mixed_bfloat16 (bf16 compute, float32 variables)", DefaultValueFactory = _ => "float32", Recursive = true };
precision.AcceptOnlyFromAmong("float32", "mixed_bfloat16");
var backbone = new Option<string?>("--backbone") { Description = "vgg16, mobilenet (α 0.25) or resnet18 (ImageNet, from ML.NET's NuGet package) for the pretrained experiments (default: the script's own, vgg16; resnet18 for cifar10-*)", Recursive = true };
backbone.AcceptOnlyFromAmong(Backbones.Names);

var weights = new Option<string>("--weights") { Description = "Weights of the pretrained base: imagenet, a Keras .h5 file, or none (random, smoke runs only)", DefaultValueFactory = _ => "imagenet", Recursive = true };
var replicas = new Option<int?>("--replicas") { Description = "Train under MirroredStrategy with N logical CPU replicas (fashion-mnist, oct-retina)", Recursive = true };
var workers = new Option<int?>("--workers") { Description = "Launch N worker processes on 127.0.0.1 under MultiWorkerMirroredStrategy", Recursive = true };
var multiWorker = new Option<bool>("--multi-worker") { Description = "Be one worker of the cluster in $TF_CONFIG (MultiWorkerMirroredStrategy)", Recursive = true };

// Redirected to a file or a pipe, tables are laid out for a wide page instead of 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;

var cluster = new Option<string?>("--cluster") { Description = "The workers' host:port list, comma-separated, instead of TF_CONFIG (with --task-index)", Recursive = true };
var taskIndex = new Option<int?>("--task-index") { Description = "This worker's index in --cluster", Recursive = true };
var trace = new Option<bool>("--trace") { Description = "On an error, also print its stack trace (for a bug report)", Recursive = true };

var root = new RootCommand("KerasNetTransfer experiments: the Keras transfer-learning articles, reproduced in C#.");
foreach (var o in new Option[] { dataDir, epochs, steps, seed, output, threads, verbose, precision, backbone, weights, replicas, workers, multiWorker, cluster, taskIndex, trace }) root.Options.Add(o);

var list = new Command("list", "List every experiment with the article's number.");
list.SetAction(_ =>
{
    var table = new Table().AddColumns("experiment", "description", "article");
    foreach (var e in Catalog.All) table.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Description), Markup.Escape(e.ArticleResult));
    AnsiConsole.Write(table);
    AnsiConsole.WriteLine("--backbone for catsdogs-bottleneck, -vgg-augment, -finetune, -gap, oct-retina, cifar10-* (default resnet18) and digits-*: " +
        string.Join("; ", Backbones.Descriptions));
    return 0;
});
root.Subcommands.Add(list);

var count = new Option<int?>("--count") { Description = "Images to write (default: all 60,000 Fashion-MNIST training images)" };
var sizes = new Option<string?>("--sizes") { Description = "Images per class for training,validation,test (default 1500,500,500)" };
var runsArg = new Argument<string[]>("runs") { Description = "run folders (default: every folder under runs/)", Arity = ArgumentArity.ZeroOrMore };
var comparePlot = new Option<string?>("--plot") { Description = "the SVG chart of every run's validation accuracy per epoch (default: runs/compare_val_accuracy.svg)" };
var compare = new Command("compare", "Compare runs side by side: accuracy, the article's number, time, images/s; and their validation accuracy on one chart") { runsArg, comparePlot };
compare.SetAction(parse => CliErrors.Run("compare", parse.GetValue(trace), Console.Error, () =>
{
    var table = new Table().AddColumns(RunTable.Columns);
    var rows = RunTable.Load(parse.GetValue(runsArg) ?? []);
    foreach (var r in rows) table.AddRow(RunTable.Cells(r).Select(Markup.Escape).ToArray());
    AnsiConsole.Write(table);
    if (RunTable.ValidationAccuracySvg(rows) is { } svg)
    {
        var plot = parse.GetValue(comparePlot) ?? Path.Combine(Directory.Exists("runs") ? "runs" : ".", "compare_val_accuracy.svg");
        RunRecords.WriteAtomically(plot, svg);
        Console.WriteLine($"Validation accuracy of {rows.Count} run(s) drawn in {plot}");
    }
    return 0;
}));
root.Subcommands.Add(compare);

var reportOut = new Option<string>("--to") { Description = "the HTML file to write", DefaultValueFactory = _ => "runs/report.html" };
var report = new Command("report", "Write one HTML page with the comparison table and every run's learning curves") { runsArg, reportOut };
report.SetAction(parse => CliErrors.Run("report", parse.GetValue(trace), Console.Error, () =>
{
    var path = parse.GetValue(reportOut)!;
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    RunRecords.WriteAtomically(path, RunTable.Html(RunTable.Load(parse.GetValue(runsArg) ?? [])));
    Console.WriteLine($"Report written to {path}");
    return 0;
}));
root.Subcommands.Add(report);

var modelArg = new Argument<string>("model") { Description = "a saved model (.keras, .h5) or a run folder (its model.keras)" };
var imagesArg = new Argument<string[]>("images") { Description = "image files or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
var top = new Option<int>("--top") { Description = "classes to show per image", DefaultValueFactory = _ => 1 };
var predictOut = new Option<string?>("--to") { Description = "also write the predictions to this .csv or .json file" };
var predict = new Command("predict", "Classify images with a saved model or a run's model: class names from the run (or a labels file beside the model)")
    { modelArg, imagesArg, top, predictOut };
predict.SetAction(parse => CliErrors.Run("predict", parse.GetValue(trace), Console.Error, () =>
{
    var predictor = new Predictor(parse.GetValue(modelArg)!);
    var files = Predictor.Images(parse.GetValue(imagesArg)!);
    var results = predictor.Run(files, parse.GetValue(top), Console.Error);
    foreach (var r in results)
        Console.WriteLine($"{r.File}\t{string.Join("\t", r.Top.Select(t => $"{t.Label} {t.Probability:F4}"))}");
    if (parse.GetValue(predictOut) is { } to)
    {
        var text = Path.GetExtension(to).ToLowerInvariant() switch
        {
            ".csv" => Predictor.Csv(results),
            ".json" => Predictor.Json(results),
            _ => throw new ArgumentException($"--to {to}: write .csv or .json."),
        };
        RunRecords.WriteAtomically(to, text);
        Console.Error.WriteLine($"predictions written to {to}");
    }
    return 0;
}));
root.Subcommands.Add(predict);

var explainModel = new Argument<string>("model") { Description = "a saved model (.keras, .h5) or a run folder (its model.keras)" };
var explainImages = new Argument<string[]>("images") { Description = "image files or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
var explainLayer = new Option<string?>("--layer") { Description = "the layer to explain at (default: the last convolution, nested models included)" };
var explainClass = new Option<string?>("--class") { Description = "the class to explain, by name or index (default: the predicted one)" };
var explainTo = new Option<string?>("--to") { Description = "the folder for the overlays and maps (default: explain/ beside the model)" };
var explain = new Command("explain", "Grad-CAM: where the model looks, per image a PNG overlay with class and probability and the raw map as CSV")
    { explainModel, explainImages, explainLayer, explainClass, explainTo };
explain.SetAction(parse => CliErrors.Run("explain", parse.GetValue(trace), Console.Error, () =>
{
    var explainer = new Explainer(parse.GetValue(explainModel)!);
    var files = Predictor.Images(parse.GetValue(explainImages)!);
    foreach (var r in explainer.Run(files, parse.GetValue(explainLayer), parse.GetValue(explainClass), parse.GetValue(explainTo), Console.Error))
        Console.WriteLine($"{r.File}\t{r.Label} {r.Probability:F4}\t{r.Png}\t{r.Csv}");
    return 0;
}));
root.Subcommands.Add(explain);

var exportModel = new Argument<string>("model") { Description = "a saved model (.keras, .h5) or a run folder (its model.keras)" };
var exportTo = new Option<string>("--to") { Description = "the .onnx file to write", Required = true };
var export = new Command("export", "Export a saved model or a run's model to ONNX (opset 13) for ONNX Runtime and ML.NET; labels and preprocessing go beside it")
    { exportModel, exportTo };
export.SetAction(parse => CliErrors.Run("export", parse.GetValue(trace), Console.Error, () =>
{
    Console.WriteLine(ModelExport.Run(parse.GetValue(exportModel)!, parse.GetValue(exportTo)!));
    return 0;
}));
root.Subcommands.Add(export);

foreach (var experiment in Catalog.All)
{
    var cmd = new Command(experiment.Name, experiment.Description);
    if (experiment is CatsDogsEvaluate) cmd.Arguments.Add(runsArg);
    if (experiment is CatsDogsPrepare) cmd.Options.Add(sizes);
    if (experiment is DigitsPrepare) cmd.Options.Add(count);
    cmd.SetAction(parse => CliErrors.Run(experiment.Name, parse.GetValue(trace), Console.Error, () => Runner.Run(experiment, new ExperimentOptions
    {
        DataDir = parse.GetValue(dataDir),
        Epochs = parse.GetValue(epochs),
        StepsPerEpoch = parse.GetValue(steps),
        Seed = parse.GetValue(seed),
        Output = parse.GetValue(output),
        Threads = parse.GetValue(threads),
        Verbose = parse.GetValue(verbose),
        Precision = parse.GetValue(precision)!,
        Backbone = parse.GetValue(backbone) ?? experiment.DefaultBackbone,
        Weights = parse.GetValue(weights) is "none" ? null : parse.GetValue(weights),
        Replicas = parse.GetValue(replicas),
        Workers = parse.GetValue(workers),
        MultiWorker = parse.GetValue(multiWorker),
        Cluster = parse.GetValue(cluster)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        TaskIndex = parse.GetValue(taskIndex),
        SplitSizes = experiment is CatsDogsPrepare ? ParseSizes(parse.GetValue(sizes)) : null,
        Count = experiment is DigitsPrepare ? parse.GetValue(count) : null,
        Runs = experiment is CatsDogsEvaluate ? parse.GetValue(runsArg) ?? [] : [],
    }, Console.Out)));
    root.Subcommands.Add(cmd);
}

// a mistyped command line is bad input: one line per error and exit code 2 (System.CommandLine's own is 1 with the help text)
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {string.Join("; ", parsed.Errors.Select(e => e.Message))} (see --help)");
    return CliErrors.BadInput;
}
return parsed.Invoke();

// "1000,500,500" → per-class sizes; null keeps the article's
static (int, int, int)? ParseSizes(string? text)
{
    if (text is null) return null;
    var parts = text.Split(',');
    if (parts.Length != 3 || !parts.All(p => int.TryParse(p, out var n) && n >= 0))
        throw new ArgumentException($"--sizes wants three counts per class, training,validation,test (e.g. 1500,500,500); got '{text}'.");
    return (int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]));
}
