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
        new Cifar10ResNet18Features(),
        new Cifar10ResNet18Finetune(),
        new DigitsPrepare(),
        new DigitsVgg16Features(),
        new DigitsVgg16Finetune(),
        new OctRetinaExperiment(),
    ];
}
