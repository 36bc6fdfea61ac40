using KerasNet.Experiments.Experiments;
using KerasNet.Harness;

namespace KerasNet.Tests.Experiments;

public class CatsDogsTests
{
    [Fact]
    public void Prepare_splits_each_class_without_overlap_repeatably_with_the_seed()
    {
        using var dir = new Fixtures.TempDir();
        var train = Path.Combine(dir.Path, "train");
        Directory.CreateDirectory(train);
        for (int i = 0; i < 12; i++)
        {
            File.WriteAllText(Path.Combine(train, $"cat.{i}.jpg"), "c" + i);
            File.WriteAllText(Path.Combine(train, $"dog.{i}.jpg"), "d" + i);
        }
        var counts = CatsDogsPrepare.Split(train, dir.Path, (5, 2, 3), seed: 42);
        Assert.Equal(10, counts["training_data"]);
        Assert.Equal(4, counts["validation_data"]);
        Assert.Equal(6, counts["test_data"]);
        var sets = new[] { "training_data", "validation_data", "test_data" }
            .Select(s => Directory.GetFiles(Path.Combine(dir.Path, s)).Select(Path.GetFileName).ToHashSet()).ToList();
        Assert.Empty(sets[0].Intersect(sets[1]));
        Assert.Empty(sets[0].Intersect(sets[2]));
        Assert.Empty(sets[1].Intersect(sets[2]));
        Assert.Equal(5, sets[0].Count(f => f!.StartsWith("cat.")));

        using var again = new Fixtures.TempDir();
        CatsDogsPrepare.Split(train, again.Path, (5, 2, 3), seed: 42);
        Assert.Equal(sets[0], Directory.GetFiles(Path.Combine(again.Path, "training_data")).Select(Path.GetFileName).ToHashSet());
        Assert.Throws<InvalidDataException>(() => CatsDogsPrepare.Split(train, again.Path, (10, 2, 3), seed: 1));
    }

    [Fact]
    public void Labels_come_from_Kaggle_file_names()
    {
        Assert.Equal(0f, CatsDogsData.Label("/x/cat.12.jpg"));
        Assert.Equal(1f, CatsDogsData.Label("dog.4001.jpg"));
        Assert.Throws<InvalidDataException>(() => CatsDogsData.Label("/x/horse.1.jpg"));
    }

    [Fact]
    public void The_article_models_have_Keras_parameter_counts()
    {
        Assert.Equal(19_024_513, CatsDogsModels.Baseline().count_params());
        Assert.Equal(4_457_985, CatsDogsModels.BottleneckMlp().count_params());
        // convs 448 + 9,280 + 73,856 + 147,584; flatten 7·7·128 = 6,272 → 3,211,776 + 262,656 + 513
        Assert.Equal(3_706_113, CatsDogsModels.Dropout().count_params());
    }

    [Fact]
    public void Data_dir_may_be_the_data_folder_itself_or_a_data_root_holding_it()
    {
        using var dir = new Fixtures.TempDir();
        var cats = Path.Combine(dir.Path, "dogs-vs-cats");
        Directory.CreateDirectory(Path.Combine(cats, "training_data"));
        var oct = Path.Combine(dir.Path, "oct2017");
        Directory.CreateDirectory(Path.Combine(oct, "train"));
        Assert.Equal(cats, CatsDogsData.Root(new ExperimentOptions { DataDir = dir.Path }));
        Assert.Equal(cats, CatsDogsData.Root(new ExperimentOptions { DataDir = cats }));
        Assert.Equal(oct, OctRetinaExperiment.Root(new ExperimentOptions { DataDir = dir.Path }));
        Assert.Equal(oct, OctRetinaExperiment.Root(new ExperimentOptions { DataDir = oct }));
    }

    [Fact]
    public void The_feature_cache_key_follows_the_image_bytes_in_order_not_their_sum()
    {
        using var scope = new KerasNet.Engine.TensorScope();
        var a = KerasNet.Engine.Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var swapped = KerasNet.Engine.Tensor.FromArray(new float[] { 3, 4, 1, 2 }, 2, 2);   // same images, other order: same sum
        var w = KerasNet.Engine.Tensor.Ones([3]);
        var w2 = KerasNet.Engine.Tensor.FromArray(new float[] { 1, 1, 1.0001f }, 3);
        string K(KerasNet.Engine.Tensor x, KerasNet.Engine.Tensor weights, string backbone = "mobilenet") =>
            CatsDogsBottleneck.CacheKey(backbone, "training_data", x, [weights]);
        Assert.Equal(K(a, w), K(a, w));
        Assert.NotEqual(K(a, w), K(swapped, w));
        Assert.NotEqual(K(a, w), K(a, w2));
        Assert.NotEqual(K(a, w), K(a, w, "vgg16"));
        Assert.NotEqual(K(a, w), K(a.Reshape(1, 4), w));   // image size is part of the key
    }

    [Fact]
    public void A_feature_cache_cut_short_is_refused_as_incomplete_not_read_past_its_end()
    {
        using var dir = new Fixtures.TempDir();
        var path = Path.Combine(dir.Path, "f.f32");
        using (var features = Fixtures.RandomTensor([5, 4])) FeatureFile.Write(path, features);
        using (var back = FeatureFile.Read(path)) Assert.Equal(new long[] { 5, 4 }, back.Shape);
        var bytes = File.ReadAllBytes(path);
        foreach (var cut in new[] { 0, 9, bytes.Length - 1 })
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var e = Assert.Throws<InvalidDataException>(() => FeatureFile.Read(path));
            Assert.Contains("not a complete feature file", e.Message);
        }
    }
}
