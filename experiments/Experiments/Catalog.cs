using KerasNet.Harness;

namespace KerasNet.Experiments.Experiments;

/// <summary>Every experiment the harness knows, by command name.</summary>
public static class Catalog
{
    public static IReadOnlyList<Experiment> All { get; } =
    [
        new FashionMnistExperiment(),
        new CatsDogsPrepare(),
        new CatsDogsBaseline(),
        new CatsDogsDropout(),
        new CatsDogsAugment(),
        new CatsDogsBottleneck(),
        new CatsDogsVggAugment(),
        new CatsDogsFinetune(),
        new CatsDogsGap(),
        new CatsDogsEvaluate(),
        new OctRetinaExperiment(),
    ];
}
