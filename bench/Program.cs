using System.CommandLine;
using KerasNet.Bench;

// kerasnet-bench: timing and memory benchmarks, each printing a RESULT line.
// Redirected to a file, tables are laid out for a wide page instead of 80 columns.
if (Console.IsOutputRedirected)
{
    Spectre.Console.AnsiConsole.Profile.Width = 200;
    Spectre.Console.AnsiConsole.Profile.Capabilities.Ansi = false;  // no colour codes in a log file
}
var root = new RootCommand("KerasNetTransfer benchmarks (C# against the Python twin on the same machine).");

var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 512 };
var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 30 };
var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 5 };
var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 3 };
var noTwin = new Option<bool>("--no-twin") { Description = "Time only the C# side" };
var step = new Command("fashion-step", "Fashion CNN train step: C# vs the Python twin, images/s and ratio") { batch, steps, warmup, rounds, noTwin };
step.SetAction(p => FashionStep.Run(p.GetValue(batch), p.GetValue(steps), p.GetValue(warmup), p.GetValue(rounds), p.GetValue(noTwin)));
root.Subcommands.Add(step);

var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 10 };
var warmupEpochs = new Option<int>("--warmup-epochs") { DefaultValueFactory = _ => 1 };
var memory = new Command("fashion-memory", "RSS across epochs of Fashion CNN training (goal: growth < 50 MB)") { epochs, warmupEpochs };
memory.SetAction(p => FashionMemory.Run(p.GetValue(epochs), p.GetValue(warmupEpochs)));
root.Subcommands.Add(memory);

var weightsOpt = new Option<string>("--weights") { DefaultValueFactory = _ => "../shared/data/keras/models/mobilenet_2_5_224_tf_no_top.h5" };
var imagesOpt = new Option<string>("--images") { DefaultValueFactory = _ => "../shared/data/dogs-vs-cats/training_data" };
var countOpt = new Option<int>("--count") { DefaultValueFactory = _ => 6 };
var sizeOpt = new Option<int>("--size") { DefaultValueFactory = _ => 224 };
var cross = new Command("mobilenet-crosscheck", "MobileNet α0.25 features vs an independent PyTorch reference (goal ≤ 1e-4)")
    { weightsOpt, imagesOpt, countOpt, sizeOpt };
cross.SetAction(p => MobileNetCrossCheck.Run(p.GetValue(weightsOpt)!, p.GetValue(imagesOpt)!, p.GetValue(countOpt), p.GetValue(sizeOpt)));
root.Subcommands.Add(cross);

var folderOpt = new Option<string>("--images") { DefaultValueFactory = _ => "../shared/data/dogs-vs-cats/training_data" };
var limitOpt = new Option<int>("--limit") { DefaultValueFactory = _ => 0 };
var roundsOpt = new Option<int>("--rounds") { DefaultValueFactory = _ => 2 };
var augment = new Command("pipeline-augment", "decode + resize + ImageDataGenerator augmentation: C# vs the Python twin (goal ≥ 2×)")
    { folderOpt, limitOpt, roundsOpt };
augment.SetAction(p => ImagePipeline.Augment(p.GetValue(folderOpt)!, p.GetValue(limitOpt), p.GetValue(roundsOpt)));
root.Subcommands.Add(augment);

var stepsOpt = new Option<int>("--steps") { DefaultValueFactory = _ => 20 };
var epochsOpt2 = new Option<int>("--epochs") { DefaultValueFactory = _ => 2 };
var train = new Command("pipeline-train", "Train the cats-vs-dogs dropout CNN on the augmenting pipeline; input wait share (goal < 5%)")
    { folderOpt, stepsOpt, epochsOpt2 };
train.SetAction(p => ImagePipeline.Train(p.GetValue(folderOpt)!, p.GetValue(stepsOpt), p.GetValue(epochsOpt2)));
root.Subcommands.Add(train);

var onlyOpt = new Option<string?>("--only") { Description = "comma-separated workloads (default: all)" };
var precisionOpt = new Option<string>("--precision") { DefaultValueFactory = _ => "float32" };
precisionOpt.AcceptOnlyFromAmong("both", "float32", "mixed_bfloat16");
var suiteRounds = new Option<int>("--rounds") { Description = "alternating rounds per workload (medians and spread)", DefaultValueFactory = _ => 5 };
var sidesOpt = new Option<string?>("--sides") { Description = "comma-separated sides to time: csharp, python, ts-tuned, ts-default, mlnet (default: all)" };
var sliceOpt = new Option<double>("--slice") { Description = "seconds each side runs before the next side's turn", DefaultValueFactory = _ => 0.25 };
var sideSecondsOpt = new Option<double?>("--side-seconds") { Description = "each side times at least this many seconds of steps per round (and at least the workload's steps); default 15, MobileNet 90" };
var slicesOpt = new Option<string?>("--slices-csv") { Description = "write every timed slice (workload, round, side, steps, seconds, start) to this CSV file" };
var suite = new Command("suite", "Six workloads: C# vs the Python twin, the TorchSharp twin (tuned and default) and ML.NET's featurizer, alternating rounds, medians, spread, FLOP rate")
    { onlyOpt, precisionOpt, suiteRounds, sidesOpt, sliceOpt, sideSecondsOpt, slicesOpt };
suite.SetAction(p => Suite.Run(p.GetValue(onlyOpt), p.GetValue(precisionOpt)!, p.GetValue(suiteRounds), p.GetValue(sidesOpt), p.GetValue(sliceOpt),
    p.GetValue(sideSecondsOpt), p.GetValue(slicesOpt)));
root.Subcommands.Add(suite);

var rnImages = new Option<string>("--images") { DefaultValueFactory = _ => "../shared/data/dogs-vs-cats/validation_data" };
var rnCount = new Option<int>("--count") { DefaultValueFactory = _ => 16 };
var rnCross = new Command("resnet18-crosscheck", "Imported ResNet18 (ML.NET's package) vs ONNX Runtime on the same files: preprocessing exact, features ≤ 1e-4")
    { rnImages, rnCount };
rnCross.SetAction(p => ResNet18CrossCheck.Run(p.GetValue(rnImages)!, p.GetValue(rnCount)));
root.Subcommands.Add(rnCross);

var peerData = new Option<string>("--data") { DefaultValueFactory = _ => "../shared/data/dogs-vs-cats" };
var peerRun = new Option<string?>("--finetune-run") { Description = "a finished catsdogs-finetune --backbone resnet18 run folder, evaluated (catsdogs-evaluate)" };
var peerEpochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 30 };
var peer = new Command("mlnet-peer", "ML.NET's ResNet18 featurizer + LbfgsLogisticRegression vs our bottleneck (and fine-tune run): img/s, train time, val/test accuracy")
    { peerData, peerRun, peerEpochs };
peer.SetAction(p => MlNetPeer.Run(p.GetValue(peerData)!, p.GetValue(peerRun), p.GetValue(peerEpochs)));
root.Subcommands.Add(peer);

var killsOpt = new Option<int>("--kills") { DefaultValueFactory = _ => 50 };
var killSeed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
var killEpochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 6 };
var killKeep = new Option<string?>("--keep") { Description = "a folder to keep the run folders in (default: a temporary one, deleted when all pass)" };
var killProgram = new Option<string?>("--program") { Description = "the experiments program to probe (default: experiments/bin/Release/net10.0/kerasnet-experiments of this checkout)" };
var killProbe = new Command("kill-probe", "kill -9 at random moments of a small catsdogs-dropout run, then resume: every folder must equal an uninterrupted run's")
    { killsOpt, killSeed, killEpochs, killKeep, killProgram };
killProbe.SetAction(p => KillProbe.Run(p.GetValue(killsOpt), p.GetValue(killSeed), p.GetValue(killEpochs), p.GetValue(killKeep), p.GetValue(killProgram)));
root.Subcommands.Add(killProbe);

var diskProgram = new Option<string?>("--program") { Description = "the experiments program to probe (default: this checkout's Release build)" };
var diskProbe = new Command("disk-probe", "Training onto a full tmpfs: exit code 1, one line leading with 'No space left on device writing …', no crash, no temporaries")
    { diskProgram };
diskProbe.SetAction(p => DiskProbe.Run(p.GetValue(diskProgram)));
root.Subcommands.Add(diskProbe);

return root.Parse(args).Invoke();
