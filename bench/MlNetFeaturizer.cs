using Microsoft.ML;
using Microsoft.ML.Data;

namespace KerasNet.Bench;

/// <summary>
/// The suite's ML.NET column: ML.NET's DnnFeaturizeImage with its ResNet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18, ONNX
/// Runtime underneath) on in-memory 224×224 pixel vectors, the featurizer's own preprocessing included, as our imported
/// ResNet18 runs them (<c>Backbones.Build("resnet18")</c>, its preprocessing layers inside). No decoding on either side:
/// the network's throughput only. ML.NET featurizes row by row; images/s is what a user of either gets.
/// </summary>
internal static class MlNetFeaturizer
{
    private sealed class PixelsRow
    {
        [VectorType(3, 224, 224)] public float[] Pixels { get; set; } = [];
    }

    private sealed class FeatureRow
    {
        [VectorType(512)] public float[] Features { get; set; } = [];
    }

    /// <summary>The featurizer fitted and warmed up; a step featurizes <paramref name="images"/> images.</summary>
    public static SideSession Session(int images, int warmup)
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(0);
        var rows = Enumerable.Range(0, images)
            .Select(_ => new PixelsRow { Pixels = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)(rng.NextDouble() * 255)).ToArray() }).ToList();
        var view = ml.Data.LoadFromEnumerable(rows);
        var fitted = ml.Transforms.DnnFeaturizeImage("Features", m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), "Pixels").Fit(view);
        void Once()
        {
            double checksum = 0;
            foreach (var r in ml.Data.CreateEnumerable<FeatureRow>(fitted.Transform(view), reuseRowObject: true)) checksum += r.Features[0];
            if (double.IsNaN(checksum)) throw new InvalidOperationException("ML.NET's featurizer produced NaN");
        }
        return new SideSession.InProcess(Once, warmup, fitted as IDisposable);
    }
}
