using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Serialization;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// The wire and stored forms of the busiest messages: a worker's report of one batch and of eight short ones, and
/// the checkpoint of a running job with 100 spans of done batches. Time per message each way, and bytes.
/// </summary>
[Config(typeof(Config))]
public class SerializerBenchmarks : IDisposable
{
    public const string OneBatch = "BatchesCompleted, 1 batch";
    public const string EightBatches = "BatchesCompleted, 8 batches";
    public const string Checkpoint = "JobCheckpoint, 100 spans";

    private ActorSystem? _system;
    private ProtocolSerializer? _serializer;
    private object _message = new();
    private byte[] _bytes = [];
    private string _manifest = string.Empty;

    [Params(OneBatch, EightBatches, Checkpoint)]
    public string Message { get; set; } = OneBatch;

    [GlobalSetup]
    public void Setup()
    {
        (_system, _serializer) = Start();
        _message = Sample(Message, _system);
        _manifest = _serializer.Manifest(_message);
        _bytes = _serializer.ToBinary(_message);
    }

    [Benchmark]
    public byte[] Serialize() => _serializer!.ToBinary(_message);

    [Benchmark]
    public object Deserialize() => _serializer!.FromBinary(_bytes, _manifest);

    [GlobalCleanup]
    public void Dispose()
    {
        _system?.Terminate().Wait(TimeSpan.FromSeconds(10));
        _system?.Dispose();
        _system = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>As a node has it: a remote actor system, so that actor references are written with their address.</summary>
    private static (ActorSystem System, ProtocolSerializer Serializer) Start()
    {
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.loglevel = WARNING
            """);
        var system = ActorSystem.Create("primecluster", config);
        return (system, new ProtocolSerializer((ExtendedActorSystem)system));
    }

    /// <summary>Values of a job over [1, 300000] as it runs: small indices, tallies of a few hundred million checks.</summary>
    private static object Sample(string message, ActorSystem system)
    {
        var id = new JobId("k2m9x7pqrs");
        var worker = system.ActorOf(Props.Empty, "worker-0");
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        return message switch
        {
            OneBatch => new BatchesCompleted(id, [new BatchResult(11, new Tally(1_507, 231_904_671))], worker, Slots: 1, InFlight: 1),
            EightBatches => new BatchesCompleted(id, [.. Enumerable.Range(0, 8).Select(i => new BatchResult(100 + i, new Tally((ulong)(40 + i), (UInt128)(2_500_000 + (1_000 * i)))))], worker, Slots: 1, InFlight: 1),
            Checkpoint => new JobCheckpoint(
                new JobView(id, new JobSpec(new NumberRange(1, 300_000)), JobState.Running, 100, 256, new Tally(9_000, 1_200_000_000), 3_712_902_177, false, 2, now, now.AddSeconds(1), null, TimeSpan.FromSeconds(3), null),
                8,
                TimeSpan.FromMilliseconds(250),
                0x9e3779b97f4a7c15,
                [.. Enumerable.Range(0, 100).Select(i => new BatchSpan(2 * i, 2 * i))],
                2),
            _ => throw new ArgumentOutOfRangeException(nameof(message), message, null),
        };
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // In this process: microseconds a message need no project of their own, whose build a loaded machine makes slow.
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(new BytesColumn());
        }
    }

    /// <summary>The bytes of the message's serialized form.</summary>
    private sealed class BytesColumn() : CustomColumn("Bytes", "Bytes of the message's serialized form", UnitType.Size)
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Measured = new();

        public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(Message))?.Value is not string message)
            {
                return "-";
            }

            // Once per message: a new system's actor references differ in their uid's digits, so the rows would too.
            return Measured.GetOrAdd(message, m =>
            {
                var (system, serializer) = Start();
                using (system)
                {
                    var bytes = serializer.ToBinary(Sample(m, system)).Length;
                    system.Terminate().Wait(TimeSpan.FromSeconds(10));
                    return bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            });
        }
    }
}
