using Akka.Actor;
using static PrimeCluster.Actors.Messages.ClusterProtocol;

namespace PrimeCluster.Node.Dashboard;

/// <summary>On a seed, at <see cref="Path"/>: tells whoever asks where this seed's job API and dashboard are.</summary>
internal sealed class ApiUrlActor : ReceiveActor
{
    public const string Name = "api-url";

    public ApiUrlActor(string url) => Receive<GetApiUrl>(_ => Sender.Tell(new ApiUrl(url)));

    /// <summary>The actor's path on every seed, below the node's root.</summary>
    public static IEnumerable<string> Path => ["user", Name];

    public static Props Props(string url) => Akka.Actor.Props.Create(() => new ApiUrlActor(url));
}
