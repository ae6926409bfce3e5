using Akka.Actor;
using Akka.Event;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Watches the Distributed Data replicator of a seed that keeps its journal on disk. The replicator stops when its
/// durable store cannot read the journal (a record that does not parse, a page SQLite finds corrupt); a seed without it
/// would wait for its checkpoints forever, so the node stops instead, saying which file and what to do.
/// </summary>
public sealed class JournalGuard : ReceiveActor
{
    public JournalGuard(IActorRef replicator, string file)
    {
        Context.Watch(replicator);
        Receive<Terminated>(_ =>
        {
            var shutdown = CoordinatedShutdown.Get(Context.System);
            if (shutdown.ShutdownReason is not null)
            {
                // The node is stopping anyway, and its replicator with it.
                return;
            }

            var failure = new JournalUnreadable(
                $"the job journal {file} could not be read (the log above says why). Move {Path.GetDirectoryName(file)} away (its jobs and history are then forgotten, unless another seed holds them) and start the node again.");
            Context.GetLogger().Error("Stopping: {0}", failure.Message);
            shutdown.Run(failure);
        });
    }

    public static Props Props(IActorRef replicator, JournalStore store) =>
        Akka.Actor.Props.Create(() => new JournalGuard(replicator, store.File));
}

/// <summary>Why a seed stopped: its job journal could not be read. The node exits with 1 and prints <see cref="Message"/>.</summary>
public sealed class JournalUnreadable(string message) : CoordinatedShutdown.Reason
{
    public string Message { get; } = message;

    public override int ExitCode => 1;
}
