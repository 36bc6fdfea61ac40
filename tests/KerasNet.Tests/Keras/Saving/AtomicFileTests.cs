using KerasNet.Keras.Saving;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Saving;

/// <summary>Writes onto a full disk: /dev/full answers every write with ENOSPC, so a temporary linked to it is a full disk.</summary>
public class AtomicFileTests
{
    private static string TemporaryOf(string path) => Path.GetFullPath(path) + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;

    [Fact]
    public void Saving_weights_onto_a_full_disk_fails_with_the_cause_first_and_leaves_nothing_behind()
    {
        using var dir = new Fixtures.TempDir();
        var model = keras.Sequential([keras.layers.Dense(64, input_shape: 32), keras.layers.Dense(1)]);
        var path = Path.Combine(dir.Path, "best_weights.h5");
        File.CreateSymbolicLink(TemporaryOf(path), "/dev/full");
        var e = Assert.Throws<AtomicFile.WriteFailedException>(() => model.save_weights(path));
        Assert.StartsWith("No space left on device writing ", e.Message);
        Assert.EndsWith("best_weights.h5", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));  // no partial file, no temporary

        // HDF5 holds nothing half-written: the next save and a load work (and the process exits cleanly)
        model.save_weights(path);
        model.load_weights(path);

        var json = Path.Combine(dir.Path, "metrics.json");
        File.CreateSymbolicLink(TemporaryOf(json), "/dev/full");
        e = Assert.Throws<AtomicFile.WriteFailedException>(() => AtomicFile.WriteAllText(json, new string('x', 100_000)));
        Assert.Equal($"No space left on device writing {json}", e.Message);
        Assert.False(File.Exists(json));
    }
}
