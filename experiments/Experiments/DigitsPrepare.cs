using KerasNet.Engine;
using KerasNet.Harness;
using KerasNet.Keras.Saving;
using nietras.SeparatedValues;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// The digits scripts' data layout filled with a stand-in: the first --count Fashion-MNIST training images (28×28 grey,
/// 10 classes, labels 0-9 as the digits set's) written as <c>DIR/Images/train/N.png</c> and listed in <c>DIR/train.csv</c>
/// (filename,label), as Analytics Vidhya's "Identify the Digits" data comes. The digits set itself is not on our machines.
/// </summary>
public sealed class DigitsPrepare : Experiment
{
    public override string Name => "digits-prepare";
    public override bool Trains => false;
    public override string Description => "Write Fashion-MNIST (--count images) in the digits layout, train.csv + Images/train/*.png, under --data-dir";
    public override string ArticleResult => "49,000 images in the digits set";

    public override ExperimentResult Run(ExperimentContext context)
    {
        var dir = context.Options.DataDir ?? throw new ArgumentException("digits-prepare: --data-dir names the folder to write train.csv and Images/train/ into.");
        var ((x, y), _) = keras.datasets.fashion_mnist.load_data();
        int count = context.Options.Count ?? (int)x.Shape[0];
        if (count < 1 || count > x.Shape[0]) throw new ArgumentException($"--count {count}: Fashion-MNIST has {x.Shape[0]} training images.");
        Write(dir, x.Narrow(0, 0, count), y.Narrow(0, 0, count));
        context.Out.WriteLine($"{count} Fashion-MNIST images written to {Path.Combine(dir, "Images", "train")}, listed in {Path.Combine(dir, DigitsData.CsvName)}");
        var result = new ExperimentResult();
        result.Metrics["images"] = count;
        return result;
    }

    /// <summary>Images (N, H, W) or (N, H, W, C) uint8 and labels (N,) as N.png files and train.csv.</summary>
    public static void Write(string dir, Tensor images, Tensor labels)
    {
        var folder = Path.Combine(dir, "Images", "train");
        Directory.CreateDirectory(folder);
        int n = (int)images.Shape[0];
        var values = labels.AsType(DType.Float32).ToArray<float>();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => Runtime.SingleThreaded(() =>
        {
            using var scope = new TensorScope();
            var img = images.Narrow(0, i, 1);
            img = images.Shape.Length == 3 ? img.Reshape(images.Shape[1], images.Shape[2], 1) : img.Reshape(images.Shape[1], images.Shape[2], images.Shape[3]);
            keras.utils.save_img(Path.Combine(folder, $"{i}.png"), img);
            return 0;
        }));
        AtomicFile.Write(Path.Combine(dir, DigitsData.CsvName), tmp =>
        {
            using var writer = Sep.New(',').Writer().ToFile(tmp);
            for (int i = 0; i < n; i++)
            {
                using var row = writer.NewRow();
                row["filename"].Set($"{i}.png");
                row["label"].Format((int)values[i]);
            }
        });
    }
}
