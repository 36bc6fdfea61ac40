using KerasNet.Keras.Models;


namespace KerasNet.Tests.Keras.Models;

/// <summary>The articles' models, built as the scripts build them.</summary>
internal static class ArticleModels
{
    public static Sequential FashionCnn() => KerasNet.Experiments.Experiments.FashionMnistExperiment.BuildModel();

    public static Sequential CatsDogsBaseline() => KerasNet.Experiments.Experiments.CatsDogsModels.Baseline();

    public static Sequential BottleneckMlp() => KerasNet.Experiments.Experiments.CatsDogsModels.BottleneckMlp();
}
