using System.CommandLine;
using KerasNet.Bench;

// kerasnet-bench: timing and memory benchmarks, each printing a RESULT line.
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

return root.Parse(args).Invoke();
