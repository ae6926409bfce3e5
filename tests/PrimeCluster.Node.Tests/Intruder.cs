using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Akka.Serialization;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Serialization;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// An actor system in the test process that is not one of the cluster's nodes and tries to act as one: it has
/// PrimeCluster's messages and serializer, as anyone with the code has, and over TLS it accepts whatever certificate
/// the other side shows and presents the one it holds, or none.
/// </summary>
internal sealed class Intruder : IAsyncDisposable
{
    private Intruder(ActorSystem system, string protocol)
    {
        System = system;
        Protocol = protocol;
    }

    public ActorSystem System { get; }

    /// <summary>The protocol it speaks, and writes the seed's address in.</summary>
    public string Protocol { get; }

    /// <summary>A node without TLS.</summary>
    public static Intruder Plain() => Start("akka.tcp", enableSsl: false, setup: null);

    /// <summary>A node with TLS that presents <paramref name="certificate"/>, or, unless <paramref name="present"/>, no certificate at all.</summary>
    /// <param name="raw">
    /// Whether it writes <see cref="RawMessage"/>s, bytes of its choosing under PrimeCluster's serializer and a manifest
    /// (as a node that lies can), in place of PrimeCluster's messages.
    /// </param>
    public static Intruder Tls(X509Certificate2 certificate, bool present = true, bool raw = false) =>
        Start("akka.ssl.tcp", enableSsl: true, new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: present, validateCertificateHostname: false, customValidator: (_, _, _, _, _) => true), raw);

    public Address Seed(int port) => Address.Parse($"{Protocol}://primecluster@127.0.0.1:{port}");

    public void Join(int port) => Akka.Cluster.Cluster.Get(System).Join(Seed(port));

    public ActorSelection Coordinator(int port) =>
        System.ActorSelection($"{Seed(port)}/user/{AkkaConfiguration.CoordinatorName}/{AkkaConfiguration.CoordinatorName}");

    /// <summary>The coordinator's answer to <paramref name="question"/>, or null when none comes within <paramref name="timeout"/>.</summary>
    public Task<object?> AskCoordinatorAsync(int port, object question, TimeSpan timeout) =>
        AnswerWithinAsync(Coordinator(port).Ask<object>(question, timeout), timeout);

    /// <summary>Whatever reached <paramref name="inbox"/> within <paramref name="timeout"/>, or null.</summary>
    public static Task<object?> ReceivedAsync(Inbox inbox, TimeSpan timeout) => AnswerWithinAsync(inbox.ReceiveAsync(timeout), timeout);

    /// <summary>
    /// An intruder whose handshake failed may have stopped itself, and a stopped actor system times nothing out: the
    /// wait is bounded here, on the clock, whatever became of it.
    /// </summary>
    private static async Task<object?> AnswerWithinAsync(Task<object> answer, TimeSpan timeout)
    {
        try
        {
            return await answer.WaitAsync(timeout + TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException or TaskCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));

    private static Intruder Start(string protocol, bool enableSsl, Setup? setup, bool raw = false)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            akka.actor.provider = cluster
            akka.cluster.roles = [worker]
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, enable-ssl = {{(enableSsl ? "on" : "off")}} }
            """);
        var serialization = SerializationSetup.Create(system => raw
            ? [SerializerDetails.Create("raw", new RawSerializer(system), [typeof(RawMessage)])]
            : [SerializerDetails.Create(ProtocolSerializer.Alias, new ProtocolSerializer(system), [typeof(IClusterMessage)])]);
        var setups = BootstrapSetup.Create().WithConfig(config).And(serialization);
        return new Intruder(ActorSystem.Create("primecluster", setup is null ? setups : setups.And(setup)), protocol);
    }
}

/// <summary>Bytes sent as if they were the PrimeCluster message that <paramref name="Manifest"/> names.</summary>
internal sealed record RawMessage(string Manifest, byte[] Bytes);

/// <summary>Writes <see cref="RawMessage"/>s under PrimeCluster's serializer's identifier: the receiver reads them with it.</summary>
internal sealed class RawSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => ProtocolSerializer.FormatIdentifier;

    public override string Manifest(object o) => ((RawMessage)o).Manifest;

    public override byte[] ToBinary(object obj) => ((RawMessage)obj).Bytes;

    public override object FromBinary(byte[] bytes, string manifest) => new RawMessage(manifest, bytes);
}
