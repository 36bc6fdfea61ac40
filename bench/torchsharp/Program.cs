// The TorchSharp twin of bench/python/twin.py: the speed suite's five workloads in TorchSharp 0.107 (libtorch 2.10), same
// models, init (glorot-uniform kernels, zero biases), batch and loss as the C# engine and the Python twin.
//   torchsharp-twin WORKLOAD --batch N --steps N --warmup N [--threads N] [--tuned] [--serve]
// --serve: build and warm up, then time 'run N' requests read from stdin (the suite interleaves the sides in slices).
// --tuned: as we run libtorch where TorchSharp allows (threads = --threads, channels-last input; TorchSharp 0.107 has no
// memory_format for modules and no set_flush_denormal); without it TorchSharp
// as a user runs it by default (its own thread count, NCHW contiguous). glibc's malloc settings come from the environment
// (MALLOC_MMAP_MAX_, MALLOC_TRIM_THRESHOLD_), set by the suite for the tuned runs. Prints one JSON line.
using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

var workload = args.Length > 0 ? args[0] : throw new ArgumentException("usage: torchsharp-twin WORKLOAD --batch N --steps N --warmup N [--threads N] [--tuned]");
int Arg(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
int batch = Arg("--batch", 32), steps = Arg("--steps", 20), warmup = Arg("--warmup", 3);
bool tuned = args.Contains("--tuned"), serve = args.Contains("--serve");
if (tuned) torch.set_num_threads(Arg("--threads", Environment.ProcessorCount));
torch.random.manual_seed(0);

// TorchSharp 0.107 has no memory_format: the tuned input is an NHWC tensor seen as NCHW (channels-last strides, as our
// engine feeds libtorch), which oneDNN's convolutions follow; its weights stay contiguous
Tensor Input(long n, long c, long h, long w) => tuned ? torch.rand(n, h, w, c).permute(0, 3, 1, 2) : torch.rand(n, c, h, w);

T Glorot<T>(T module) where T : nn.Module
{
    foreach (var m in module.modules())
        switch (m)
        {
            case Conv2d conv:
                nn.init.xavier_uniform_(conv.weight);
                if (conv.bias is { } b) nn.init.zeros_(b);
                break;
            case Linear lin:
                nn.init.xavier_uniform_(lin.weight);
                if (lin.bias is { } lb) nn.init.zeros_(lb);
                break;
        }
    return module;
}

Sequential Vgg16Base()
{
    var layers = new List<nn.Module<Tensor, Tensor>>();
    long c = 3;
    foreach (var (width, depth) in new[] { (64, 2), (128, 2), (256, 3), (512, 3), (512, 3) })
    {
        for (int i = 0; i < depth; i++)
        {
            layers.Add(nn.Conv2d(c, width, 3, padding: 1));
            layers.Add(nn.ReLU());
            c = width;
        }
        layers.Add(nn.MaxPool2d(2));
    }
    return nn.Sequential(layers);
}

Sequential MobileNetBase(double alpha = 0.25)
{
    var layers = new List<nn.Module<Tensor, Tensor>>();
    void BnRelu6(long ch) { layers.Add(nn.BatchNorm2d(ch, eps: 1e-3)); layers.Add(nn.ReLU6()); }
    long c = (long)(32 * alpha);
    layers.Add(nn.ZeroPad2d((0, 1, 0, 1)));  // TensorFlow 'same' for the stride-2 stem on 150²: pad 0 before, 1 after
    layers.Add(nn.Conv2d(3, c, 3, stride: 2, bias: false));
    BnRelu6(c);
    foreach (var (filters, stride) in new[] { (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1) })
    {
        if (stride == 2) layers.Add(nn.ZeroPad2d((0, 1, 0, 1)));
        layers.Add(nn.Conv2d(c, c, 3, stride: stride, padding: stride == 1 ? 1 : 0, groups: c, bias: false));
        BnRelu6(c);
        long o = (long)(filters * alpha);
        layers.Add(nn.Conv2d(c, o, 1, bias: false));
        BnRelu6(o);
        c = o;
    }
    return nn.Sequential(layers);
}

Sequential Head(long features, params nn.Module<Tensor, Tensor>[] rest) =>
    nn.Sequential(new nn.Module<Tensor, Tensor>[] { new Nhwc(), nn.Flatten() }.Concat(rest));

Action TrainStep(nn.Module<Tensor, Tensor> model, optim.Optimizer opt, Tensor x, Tensor y, Func<Tensor, Tensor, Tensor> loss) => () =>
{
    using var scope = torch.NewDisposeScope();
    opt.zero_grad();
    var l = loss(model.forward(x), y);
    l.backward();
    opt.step();
    l.item<float>();
};

Action Forward(nn.Module<Tensor, Tensor> model, Tensor x)
{
    model.eval();
    return () =>
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.forward(x).sum().item<float>();
    };
}

Action step;
switch (workload)
{
    case "fashion-step":
    {
        var model = Glorot(nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3), nn.ReLU(), Head(576, nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))));
        var opt = optim.Adam(model.parameters(), lr: 1e-3, eps: 1e-7);
        step = TrainStep(model, opt, Input(batch, 1, 28, 28), torch.randint(0L, 10L, new long[] { batch }), (o, t) => F.cross_entropy(o, t));
        break;
    }
    case "catsdogs-step":
    {
        var model = Glorot(nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2), Head(17 * 17 * 128, nn.Linear(17 * 17 * 128, 512), nn.ReLU(), nn.Linear(512, 1))));
        var opt = optim.RMSProp(model.parameters(), lr: 1e-3, alpha: 0.9, eps: 1e-7);
        step = TrainStep(model, opt, Input(batch, 3, 150, 150), torch.randint(0L, 2L, new long[] { batch, 1 }).to(ScalarType.Float32),
            (o, t) => F.binary_cross_entropy_with_logits(o, t));
        break;
    }
    case "vgg16-features":
        step = Forward(Glorot(Vgg16Base()), Input(batch, 3, 150, 150));
        break;
    case "vgg16-finetune":
    {
        var convBase = Vgg16Base();
        var model = Glorot(nn.Sequential(convBase, Head(4 * 4 * 512, nn.Linear(4 * 4 * 512, 512), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.3), nn.Linear(512, 1))));
        foreach (var conv in convBase.modules().OfType<Conv2d>().Take(7))  // blocks 1-3 frozen; block4_conv1 on trainable
            foreach (var p in conv.parameters()) p.requires_grad = false;
        var opt = optim.RMSProp(model.parameters().Where(p => p.requires_grad), lr: 1e-5, alpha: 0.9, eps: 1e-7);
        step = TrainStep(model, opt, Input(batch, 3, 150, 150), torch.randint(0L, 2L, new long[] { batch, 1 }).to(ScalarType.Float32),
            (o, t) => F.binary_cross_entropy_with_logits(o, t));
        break;
    }
    case "mobilenet-features":
        step = Forward(Glorot(MobileNetBase()), Input(batch, 3, 150, 150));
        break;
    default:
        throw new ArgumentException($"unknown workload '{workload}'");
}
// warm-up: at least --warmup steps and at least 5 s, as every side of the suite (the JIT tiers up meanwhile)
var warm = Stopwatch.StartNew();
for (int i = 0; i < warmup || warm.Elapsed.TotalSeconds < 5.0; i++) step();
if (serve)
{
    // the suite interleaves the sides: answer each 'run N' line with the time of N steps, until 'quit' or end of input
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["ready"] = true, ["threads"] = torch.get_num_threads() }));
    while (Console.ReadLine() is { } line && line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["run", var count])
    {
        var slice = Stopwatch.StartNew();
        for (int i = 0, n = int.Parse(count); i < n; i++) step();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["seconds"] = slice.Elapsed.TotalSeconds }));
    }
    return;
}
var clock = Stopwatch.StartNew();
for (int i = 0; i < steps; i++) step();
double seconds = clock.Elapsed.TotalSeconds / steps;
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["images_per_second"] = batch / seconds,
    ["seconds_per_step"] = seconds,
    ["threads"] = torch.get_num_threads(),
    ["tuned"] = tuned,
    ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
}));

/// <summary>Keras flattens NHWC: an NCHW tensor viewed as NHWC before Flatten.</summary>
internal sealed class Nhwc() : nn.Module<Tensor, Tensor>("nhwc")
{
    public override Tensor forward(Tensor x) => x.permute(0, 2, 3, 1);
}
