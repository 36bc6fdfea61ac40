using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Experiments;

public class ImageFoldersTests
{
    /// <summary>root/split/class/i.ext images of (h, w): class c has grey level 40 + 60 c, for every class and split.</summary>
    internal static string WriteClassFolders(string root, string[] classes, int perClass, (int H, int W) size, string validation = "val", string ext = ".jpg")
    {
        foreach (var split in new[] { "train", validation })
            for (int c = 0; c < classes.Length; c++)
            {
                var folder = Path.Combine(root, split, classes[c]);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < perClass; i++)
                {
                    var rng = new Random(c * 100 + i);
                    var pixels = Enumerable.Range(0, size.H * size.W * 3).Select(_ => (float)(40 + 60 * c + rng.Next(-20, 20))).ToArray();
                    using var img = Tensor.FromArray(pixels, size.H, size.W, 3);
                    keras.utils.save_img(Path.Combine(folder, $"{i}{ext}"), img);
                }
            }
        return root;
    }

    [Fact]
    public void Class_folders_read_as_ImageFolder_does_classes_sorted()
    {
        using var dir = new Fixtures.TempDir();
        WriteClassFolders(dir.Path, ["zebra", "ant", "moth"], 2, (10, 12), validation: "test", ext: ".png");
        var f = ImageFolders.Read(dir.Path);
        Assert.Equal(["ant", "moth", "zebra"], f.ClassNames);
        Assert.Equal(6, f.Train.Count);
        Assert.Equal(6, f.Validation.Count);
        Assert.All(f.Train, t => Assert.Equal(f.ClassNames[t.Label], Path.GetFileName(Path.GetDirectoryName(t.Path))));
        Assert.Contains("test/", f.Layout);
    }

    [Fact]
    public void The_cats_vs_dogs_folders_read_as_cat_and_dog()
    {
        using var dir = new Fixtures.TempDir();
        var data = KerasNet.Tests.Harness.RunFolderTests.WriteData(dir.Path);
        var f = ImageFolders.Read(data);
        Assert.Equal(["cat", "dog"], f.ClassNames);
        Assert.Equal(12, f.Train.Count);
        Assert.All(f.Train, t => Assert.StartsWith(f.ClassNames[t.Label] + ".", Path.GetFileName(t.Path)));
    }

    [Fact]
    public void Other_layouts_are_refused_with_what_is_expected()
    {
        using var dir = new Fixtures.TempDir();
        var e = Assert.Throws<DirectoryNotFoundException>(() => ImageFolders.Read(dir.Path));
        Assert.Contains("train/<class>/ and val/<class>/", e.Message);
        WriteClassFolders(dir.Path, ["a", "b"], 1, (8, 8));
        Directory.CreateDirectory(Path.Combine(dir.Path, "val", "c"));
        Assert.Contains("class folders that train/ does not: c", Assert.Throws<InvalidDataException>(() => ImageFolders.Read(dir.Path)).Message);
    }
}
