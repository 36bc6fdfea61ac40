using KerasNet.Harness;

namespace KerasNet.Tests.Harness;

public class ClassificationReportTests
{
    [Fact]
    public void Scores_follow_the_confusion_matrix_as_scikit_learn_computes_them()
    {
        // true:  cat cat cat cat dog dog dog dog dog dog
        // pred:  cat cat cat dog dog dog dog dog cat cat
        int[] truth = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
        int[] pred = [0, 0, 0, 1, 1, 1, 1, 1, 0, 0];
        var r = new ClassificationReport(truth, pred, ["cat", "dog"]);
        Assert.Equal(new long[,] { { 3, 1 }, { 2, 4 } }, r.Matrix);
        Assert.Equal(0.7, r.Accuracy, 12);
        var cat = r.PerClass[0];
        var dog = r.PerClass[1];
        Assert.Equal(3.0 / 5, cat.Precision, 12);   // 3 of the 5 predicted cats
        Assert.Equal(3.0 / 4, cat.Recall, 12);      // 3 of the 4 cats
        Assert.Equal(2 * 0.6 * 0.75 / 1.35, cat.F1, 12);
        Assert.Equal(4.0 / 5, dog.Precision, 12);
        Assert.Equal(4.0 / 6, dog.Recall, 12);
        Assert.Equal(4, cat.Support);
        Assert.Equal(6, dog.Support);
        Assert.Equal((cat.F1 + dog.F1) / 2, r.MacroAverage.F1, 12);
        Assert.Equal((cat.Recall * 4 + dog.Recall * 6) / 10, r.WeightedAverage.Recall, 12);
        Assert.Equal("true\\predicted,cat,dog\ncat,3,1\ndog,2,4\n", r.MatrixCsv());
        var text = r.Text();
        Assert.Contains("         cat      0.60      0.75      0.67         4", text);
        Assert.Contains("    accuracy                          0.70        10", text);
        var svg = System.Xml.Linq.XDocument.Parse(r.MatrixSvg("t"));
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        foreach (var expected in new[] { "t", "accuracy 0.7000 (10 images)", "predicted", "true", "cat", "dog", "3", "1", "2", "4" })
            Assert.Contains(expected, texts);  // the counts are written in their cells
    }

    [Fact]
    public void A_class_never_predicted_has_zero_precision_and_bad_input_is_refused()
    {
        var r = new ClassificationReport([0, 1, 1], [1, 1, 1], ["cat", "dog"]);
        Assert.Equal(0, r.PerClass[0].Precision);
        Assert.Equal(0, r.PerClass[0].F1);
        Assert.Equal(2.0 / 3, r.PerClass[1].Precision, 12);
        Assert.Throws<ArgumentException>(() => new ClassificationReport([0, 1], [1], ["cat", "dog"]));
        var e = Assert.Throws<ArgumentException>(() => new ClassificationReport([0, 2], [1, 1], ["cat", "dog"]));
        Assert.Contains("sample 1", e.Message);
    }
}
