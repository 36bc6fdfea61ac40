using KerasNet.Engine;
using KerasNet.Keras.Utils;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>Image files as the scripts load them into one array: <c>load_img(path, target_size=(size, size))</c> (RGB, nearest), <c>img_to_array</c>.</summary>
public static class ImageArrays
{
    /// <summary>
    /// The files as one (N, size, size, 3) float32 array, 0-255 times <paramref name="scale"/>, with a progress bar. Each image
    /// is scaled into its row by the worker that decoded it: the whole array is written once (the uint8 → float → scale passes
    /// over a 1.8 GB array at 224×224 cost more than decoding).
    /// </summary>
    public static Tensor Load(IReadOnlyList<string> files, int size, TextWriter log, double scale = 1)
    {
        var bar = new Progbar(files.Count, output: log);
        using var outer = new TensorScope();
        var x = Tensor.Zeros([files.Count, size, size, 3]).MoveToOuterScope();
        int done = 0;
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => Runtime.SingleThreaded(() =>
        {
            using var scope = new TensorScope();
            var img = keras.utils.img_to_array(keras.utils.load_img(files[i], target_size: (size, size)));
            x.Narrow(0, i, 1).CopyFrom((scale == 1 ? img : img * scale).Reshape(1, size, size, 3));
            int n = Interlocked.Increment(ref done);
            if (n % 100 == 0) lock (bar) bar.update(n);
            return 0;
        }));
        bar.update(files.Count, finalize: true);
        return x;
    }
}
