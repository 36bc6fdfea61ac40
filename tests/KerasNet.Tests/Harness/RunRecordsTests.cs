using KerasNet.Harness;

namespace KerasNet.Tests.Harness;

public class RunRecordsTests
{
    [Fact]
    public void History_csv_has_Keras_CSVLogger_layout()
    {
        var csv = RunRecords.HistoryCsv(new Dictionary<string, List<double>>
        {
            ["loss"] = [0.5, 0.25],
            ["accuracy"] = [0.75, 0.875],
        });
        Assert.Equal("epoch,accuracy,loss\n0,0.75,0.5\n1,0.875,0.25\n", csv);
    }

    [Fact]
    public void Atomic_write_replaces_the_file_and_leaves_no_temporary()
    {
        using var dir = new Fixtures.TempDir();
        var p = Path.Combine(dir.Path, "metrics.json");
        RunRecords.WriteAtomically(p, "old");
        RunRecords.WriteAtomically(p, "new");
        Assert.Equal("new", File.ReadAllText(p));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Time_history_records_one_duration_per_batch()
    {
        var t = new TimeHistory();
        t.on_train_begin();
        for (int b = 0; b < 3; b++)
        {
            t.on_train_batch_begin(b);
            t.on_train_batch_end(b);
        }
        Assert.Equal(3, t.times.Count);
        Assert.All(t.times, s => Assert.True(s >= 0));
    }
}
