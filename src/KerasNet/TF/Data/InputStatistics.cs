namespace KerasNet.TF.Data;

/// <summary>
/// Process-wide counts of input work: images decoded (tf.image.decode_*, keras.utils.load_img) and rows put into
/// batches (batch, map_and_batch, arrays fed to fit). Read two counts and subtract to see what a stretch of training did,
/// e.g. how many images one worker decoded in an epoch.
/// </summary>
public static class InputStatistics
{
    private static long _decoded, _rows;

    public static long ImagesDecoded => Interlocked.Read(ref _decoded);

    public static long RowsBatched => Interlocked.Read(ref _rows);

    internal static void AddDecoded(long n = 1) => Interlocked.Add(ref _decoded, n);

    internal static void AddRows(long n) => Interlocked.Add(ref _rows, n);
}
