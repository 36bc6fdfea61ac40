namespace KerasNet.Keras.Datasets;

/// <summary>keras.datasets</summary>
public sealed class DatasetsApi
{
    public FashionMnist fashion_mnist { get; } = new();

    public Cifar10 cifar10 { get; } = new();
}
