namespace PrimeCluster.Actors.Messages;

/// <summary>Every message that may cross nodes; bound to <see cref="Serialization.ProtocolSerializer"/> in cluster.hocon.</summary>
public interface IClusterMessage;
