using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace KerasNet.Keras.Utils;

/// <summary>
/// Keras's text progress bar: <c>118/118 [==============================] - 17s 143ms/step - loss: 0.5957</c>.
/// On a terminal it redraws in place (at most every 50 ms); when output is redirected it prints only
/// the final line, so logs stay readable.
/// </summary>
public sealed class Progbar
{
    private const int Width = 30;
    private readonly int _target;
    private readonly int _verbose;
    private readonly TextWriter _out;
    private readonly bool _dynamic;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastDraw = -1;
    private bool _finalized;
    private int _lastLength;

    public Progbar(int target, int verbose = 1, TextWriter? output = null)
    {
        _target = target;
        _verbose = verbose;
        _out = output ?? Console.Out;
        _dynamic = output is null && !Console.IsOutputRedirected;
    }

    public void update(int current, IDictionary<string, double>? values = null, bool finalize = false)
    {
        if (_verbose == 0 || _finalized) return;
        finalize |= _target > 0 && current >= _target;
        _finalized = finalize;
        double now = _clock.Elapsed.TotalSeconds;
        if (!finalize && (!_dynamic || now - _lastDraw < 0.05 || _verbose != 1)) return;
        _lastDraw = now;
        double perStep = current > 0 ? now / current : 0;

        var line = new StringBuilder();
        if (_verbose == 1)
        {
            if (_target <= 0)
            {
                // unknown length (a dataset of unknown cardinality), as Keras prints it
                line.Append(current.ToString().PadLeft(7)).Append("/Unknown");
            }
            else
            {
                int digits = (int)Math.Floor(Math.Log10(Math.Max(1, _target))) + 1;
                line.Append(current.ToString().PadLeft(digits)).Append('/').Append(_target).Append(" [");
                double progress = Math.Min(1.0, (double)current / _target);
                int done = (int)(Width * progress);
                if (done > 0)
                {
                    line.Append('=', done - 1);
                    line.Append(current < _target ? '>' : '=');
                }
                line.Append('.', Width - done).Append(']');
            }
            if (finalize)
                line.Append(" - ").Append(Seconds(now)).Append(' ').Append(PerStep(perStep));
            else
                line.Append(" - ETA: ").Append(Eta(perStep * (_target - current)));
            AppendValues(line, values);
        }
        else
        {
            line.Append(current).Append('/').Append(_target > 0 ? _target.ToString() : "Unknown").Append(" - ").Append(Seconds(now));
            AppendValues(line, values);
            line.Append(" - ").Append(Seconds(now)).Append("/epoch - ").Append(PerStep(perStep));
        }

        if (_dynamic && _verbose == 1)
        {
            var text = line.ToString();
            int pad = Math.Max(0, _lastLength - text.Length);
            _out.Write("\r" + text + new string(' ', pad));
            _lastLength = text.Length;
            if (finalize) _out.WriteLine();
        }
        else
        {
            _out.WriteLine(line.ToString());
        }
        _out.Flush();
    }

    private static void AppendValues(StringBuilder line, IDictionary<string, double>? values)
    {
        if (values is null) return;
        foreach (var (k, v) in values)
            line.Append(" - ").Append(k).Append(": ").Append(FormatValue(v));
    }

    /// <summary>Keras's number format: 4 decimals, or scientific below 1e-3.</summary>
    public static string FormatValue(double v) =>
        Math.Abs(v) > 1e-3 || v == 0
            ? v.ToString("F4", CultureInfo.InvariantCulture)
            : v.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    private static string Seconds(double s) => Math.Round(s).ToString(CultureInfo.InvariantCulture) + "s";

    private static string PerStep(double s) =>
        s >= 1 || s == 0 ? $"{Math.Round(s)}s/step"
        : s >= 1e-3 ? $"{Math.Round(s * 1e3)}ms/step"
        : $"{Math.Round(s * 1e6)}us/step";

    private static string Eta(double s)
    {
        int e = (int)s;
        return e > 3600 ? $"{e / 3600}:{e % 3600 / 60:D2}:{e % 60:D2}" : e > 60 ? $"{e / 60}:{e % 60:D2}" : $"{e}s";
    }
}
