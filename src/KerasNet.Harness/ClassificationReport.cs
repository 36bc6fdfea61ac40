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

    /// <summary>The confusion matrix as a standalone SVG heat map, as the article plots it.</summary>
    public string MatrixSvg(string title)
    {
        const int Cell = 90, Left = 110, Top = 60;
        int k = ClassNames.Count, height = Top + k * Cell + 50;
        // wide enough for the title (14 px) and the accuracy line (13 px) as well as the grid
        int width = Math.Max(Left + k * Cell + 20, Math.Max((int)(title.Length * 8.5) + 40, Left + 260));
        long max = 1;
        foreach (var v in Matrix) max = Math.Max(max, v);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"13\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">{LearningCurves.Escape(title)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + k * Cell / 2}\" y=\"{Top - 24}\" text-anchor=\"middle\">Predicted</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{Top + k * Cell / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Top + k * Cell / 2})\">True</text>");
        for (int i = 0; i < k; i++)
        {
            var name = LearningCurves.Escape(ClassNames[i]);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + i * Cell + Cell / 2}\" y=\"{Top - 6}\" text-anchor=\"middle\">{name}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{Top + i * Cell + Cell / 2 + 4}\" text-anchor=\"end\">{name}</text>");
            for (int j = 0; j < k; j++)
            {
                double shade = (double)Matrix[i, j] / max;
                int level = (int)Math.Round(255 - 200 * shade);
                string fill = $"rgb({level},{level},255)", ink = shade > 0.6 ? "#fff" : "#000";
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + j * Cell}\" y=\"{Top + i * Cell}\" width=\"{Cell}\" height=\"{Cell}\" fill=\"{fill}\" stroke=\"#888\"/>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + j * Cell + Cell / 2}\" y=\"{Top + i * Cell + Cell / 2 + 5}\" text-anchor=\"middle\" fill=\"{ink}\">{Matrix[i, j]}</text>");
            }
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{height - 14}\">accuracy {Accuracy:F4} ({Total} images)</text>");
        return sb.Append("</svg>").ToString();
    }
}
