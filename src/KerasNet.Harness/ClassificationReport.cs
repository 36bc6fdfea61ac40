using System.Globalization;
using System.Text;

namespace KerasNet.Harness;

/// <summary>
/// What scikit-learn's confusion_matrix and classification_report give the article's §4: the confusion
/// matrix (rows = true class, columns = predicted class), and per class precision, recall, F1 and
/// support, with accuracy and the macro and weighted averages. A class never predicted has precision 0
/// (scikit-learn's zero_division default, without its warning).
/// </summary>
public sealed class ClassificationReport
{
    public ClassificationReport(IReadOnlyList<int> yTrue, IReadOnlyList<int> yPred, IReadOnlyList<string> classNames)
    {
        if (yTrue.Count != yPred.Count)
            throw new ArgumentException($"classification report: {yTrue.Count} true labels but {yPred.Count} predictions.");
        if (yTrue.Count == 0) throw new ArgumentException("classification report: no samples.");
        int k = classNames.Count;
        ClassNames = classNames;
        Matrix = new long[k, k];
        for (int i = 0; i < yTrue.Count; i++)
        {
            if ((uint)yTrue[i] >= k || (uint)yPred[i] >= k)
                throw new ArgumentException($"classification report: sample {i} has class {yTrue[i]} → {yPred[i]}, outside 0..{k - 1}.");
            Matrix[yTrue[i], yPred[i]]++;
        }
        Total = yTrue.Count;
        long correct = 0;
        for (int c = 0; c < k; c++) correct += Matrix[c, c];
        Accuracy = (double)correct / Total;
        PerClass = Enumerable.Range(0, k).Select(c =>
        {
            long tp = Matrix[c, c], predicted = 0, actual = 0;
            for (int j = 0; j < k; j++)
            {
                predicted += Matrix[j, c];
                actual += Matrix[c, j];
            }
            double p = predicted == 0 ? 0 : (double)tp / predicted;
            double r = actual == 0 ? 0 : (double)tp / actual;
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            return new ClassScores(classNames[c], p, r, f, actual);
        }).ToList();
    }

    public sealed record ClassScores(string Name, double Precision, double Recall, double F1, long Support);

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Counts: [true class, predicted class].</summary>
    public long[,] Matrix { get; }

    public long Total { get; }

    public double Accuracy { get; }

    public IReadOnlyList<ClassScores> PerClass { get; }

    public ClassScores MacroAverage => new("macro avg", PerClass.Average(c => c.Precision), PerClass.Average(c => c.Recall),
        PerClass.Average(c => c.F1), Total);

    public ClassScores WeightedAverage => new("weighted avg", Weighted(c => c.Precision), Weighted(c => c.Recall), Weighted(c => c.F1), Total);

    private double Weighted(Func<ClassScores, double> f) => PerClass.Sum(c => f(c) * c.Support) / Total;

    /// <summary>The table as scikit-learn's classification_report prints it (2 decimals).</summary>
    public string Text()
    {
        int w = Math.Max(12, ClassNames.Max(n => n.Length));
        var sb = new StringBuilder();
        sb.Append(' ', w).Append(" precision    recall  f1-score   support\n\n");
        string Row(ClassScores c) => string.Create(CultureInfo.InvariantCulture,
            $"{c.Name.PadLeft(w)} {c.Precision,9:F2} {c.Recall,9:F2} {c.F1,9:F2} {c.Support,9}\n");
        foreach (var c in PerClass) sb.Append(Row(c));
        sb.Append('\n');
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"{"accuracy".PadLeft(w)} {"",9} {"",9} {Accuracy,9:F2} {Total,9}\n"));
        sb.Append(Row(MacroAverage)).Append(Row(WeightedAverage));
        return sb.ToString();
    }

    /// <summary>The confusion matrix as CSV: a header of predicted classes, one row per true class.</summary>
    public string MatrixCsv()
    {
        var sb = new StringBuilder("true\\predicted");
        foreach (var n in ClassNames) sb.Append(',').Append(n);
        sb.Append('\n');
        for (int i = 0; i < ClassNames.Count; i++)
        {
            sb.Append(ClassNames[i]);
            for (int j = 0; j < ClassNames.Count; j++) sb.Append(',').Append(Matrix[i, j]);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The confusion matrix as a standalone SVG heat map (OxyPlot), counts in the cells, as the article plots it.</summary>
    public string MatrixSvg(string title)
    {
        int k = ClassNames.Count;
        var model = new OxyPlot.PlotModel
        {
            Title = title, TitleFontSize = 14, Subtitle = $"accuracy {Accuracy:F4} ({Total} images)", DefaultFont = Charts.Font,
        };
        model.Axes.Add(new OxyPlot.Axes.LinearColorAxis
        {
            Position = OxyPlot.Axes.AxisPosition.Right, Title = "images", Minimum = 0,
            Palette = OxyPlot.OxyPalette.Interpolate(64, OxyPlot.OxyColors.White, OxyPlot.OxyColor.FromRgb(31, 119, 180)),
        });
        var predicted = new OxyPlot.Axes.CategoryAxis { Position = OxyPlot.Axes.AxisPosition.Bottom, Title = "predicted", GapWidth = 0 };
        var truth = new OxyPlot.Axes.CategoryAxis { Position = OxyPlot.Axes.AxisPosition.Left, Title = "true", GapWidth = 0, StartPosition = 1, EndPosition = 0 };
        predicted.Labels.AddRange(ClassNames);
        truth.Labels.AddRange(ClassNames);
        model.Axes.Add(predicted);
        model.Axes.Add(truth);
        var data = new double[k, k];
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++) data[p, t] = Matrix[t, p];
        model.Series.Add(new OxyPlot.Series.HeatMapSeries
        {
            X0 = 0, X1 = k - 1, Y0 = 0, Y1 = k - 1, Data = data, RenderMethod = OxyPlot.Series.HeatMapRenderMethod.Rectangles,
            LabelFormatString = "0", LabelFontSize = 0.25,
        });
        int size = 120 + 110 * k;
        return Charts.Svg(model, size + 90, size).Replace("<svg ", "<svg style=\"background:white\" ", StringComparison.Ordinal);
    }
}
