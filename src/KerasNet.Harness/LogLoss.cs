namespace KerasNet.Harness;

/// <summary>
/// scikit-learn's <c>metrics.log_loss(y_true, y_pred)</c> for one-hot (or label-indicator) truth: each row of probabilities
/// clipped to [eps, 1 - eps] (eps 1e-15, the value of the scripts' era) and renormalised to sum 1, then the mean over rows of
/// -Σ y · log p.
/// </summary>
public static class LogLoss
{
    public const double Eps = 1e-15;

    public static double Compute(float[] yTrue, float[] yPred, int classes)
    {
        if (classes < 2) throw new ArgumentException($"log_loss needs at least 2 classes, got {classes}.");
        if (yTrue.Length != yPred.Length || yTrue.Length % classes != 0)
            throw new ArgumentException($"log_loss: y_true has {yTrue.Length} values and y_pred {yPred.Length}; both must be rows of {classes}.");
        int rows = yTrue.Length / classes;
        if (rows == 0) throw new ArgumentException("log_loss: no samples.");
        double total = 0;
        var p = new double[classes];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += p[c] = Math.Clamp(yPred[r * classes + c], Eps, 1 - Eps);
            for (int c = 0; c < classes; c++) total -= yTrue[r * classes + c] * Math.Log(p[c] / sum);
        }
        return total / rows;
    }
}
