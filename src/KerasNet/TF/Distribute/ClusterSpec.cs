using System.Text.Json;

namespace KerasNet.TF.Distribute;

/// <summary>
/// A cluster as TF_CONFIG describes it: <c>{"cluster": {"chief": ["host:port"], "worker": ["host:port", ...]},
/// "task": {"type": "worker", "index": 0}}</c>. Ranks: the chief (if any) is 0, then the workers in order;
/// without a chief, worker 0 is the chief. Rank 0's address hosts the rendezvous store.
/// </summary>
public sealed class ClusterSpec
{
    public ClusterSpec(IReadOnlyList<string> workers, int taskIndex)
    {
        if (workers.Count == 0) throw new ArgumentException("The cluster has no workers.");
        if (taskIndex < 0 || taskIndex >= workers.Count)
            throw new ArgumentOutOfRangeException(nameof(taskIndex), taskIndex, $"Task index {taskIndex} is not one of the {workers.Count} workers.");
        foreach (var w in workers) Parse(w);
        Workers = workers;
        Rank = taskIndex;
    }

    /// <summary>Every process's "host:port", by rank.</summary>
    public IReadOnlyList<string> Workers { get; }

    /// <summary>This process's rank.</summary>
    public int Rank { get; }

    public (string Host, int Port) Store => Parse(Workers[0]);

    public string LocalHost => Parse(Workers[Rank]).Host;

    /// <summary>Reads the TF_CONFIG JSON; every problem names the variable and what is wrong.</summary>
    public static ClusterSpec FromTfConfig(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (!root.TryGetProperty("cluster", out var cluster) || cluster.ValueKind != JsonValueKind.Object)
                throw new ArgumentException("TF_CONFIG has no \"cluster\" object.");
            List<string> Jobs(string job) => cluster.TryGetProperty(job, out var j) && j.ValueKind == JsonValueKind.Array
                ? j.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
                : [];
            var chief = Jobs("chief");
            var workers = Jobs("worker");
            if (chief.Count > 1) throw new ArgumentException("TF_CONFIG lists more than one chief.");
            if (!root.TryGetProperty("task", out var task) || !task.TryGetProperty("type", out var type) || !task.TryGetProperty("index", out var index))
                throw new ArgumentException("TF_CONFIG has no \"task\" with \"type\" and \"index\".");
            int i = index.GetInt32();
            int rank = type.GetString() switch
            {
                "chief" => i == 0 ? 0 : throw new ArgumentException($"TF_CONFIG: chief index {i} (there is one chief, index 0)."),
                "worker" => chief.Count + i,
                var t => throw new ArgumentException($"TF_CONFIG: task type '{t}' is not supported (chief or worker)."),
            };
            return new ClusterSpec([.. chief, .. workers], rank);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            throw new ArgumentException($"TF_CONFIG is not a valid cluster description: {e.Message}", e);
        }
    }

    /// <summary>The TF_CONFIG JSON for worker <paramref name="index"/> of <paramref name="workers"/>.</summary>
    public static string TfConfig(IReadOnlyList<string> workers, int index) => JsonSerializer.Serialize(new
    {
        cluster = new { worker = workers },
        task = new { type = "worker", index },
    });

    private static (string Host, int Port) Parse(string address)
    {
        int colon = address.LastIndexOf(':');
        // port 0 is allowed: for the first address it lets the rendezvous host take any free port
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
            throw new ArgumentException($"'{address}' is not a host:port address.");
        return (address[..colon].Trim('[', ']'), port);
    }
}
