using System.CommandLine;
using System.Text.Json;
using PrimeCluster.Core;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;

namespace PrimeCluster.Cli.Commands;

/// <summary>
/// <c>primecluster status</c>: the cluster's members, their workers, how many are busy, and the wrong tallies each
/// has reported.
/// </summary>
public static class StatusCommand
{
    public static Command Create(CliContext context, RemoteOptions remote)
    {
        var command = new Command("status", "Show the cluster's members, their workers, how many are busy, and the wrong tallies each has reported.");
        remote.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = remote.Connect(parse, context);
            var cluster = await client.ClusterAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(remote.Json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(cluster, ApiJson.Types.ClusterResource)).ConfigureAwait(false);
                return ExitCodes.Done;
            }

            var table = new TextTable(
                TextTable.Left("address"),
                TextTable.Left("roles"),
                TextTable.Left("status"),
                TextTable.Right("workers"),
                TextTable.Right("busy"),
                TextTable.Right("mismatches"));
            foreach (var member in cluster.Members)
            {
                var status = member.Reachable ? member.Status : $"{member.Status} (unreachable)";
                var mismatches = member.Excluded > 0 ? $"{Format.Integer(member.Mismatches)} ({Format.Integer(member.Excluded)} excluded)" : Format.Integer(member.Mismatches);
                table.AddRow(member.Address, string.Join(",", member.Roles), status, Format.Integer(member.Workers), Format.Integer(member.Busy), mismatches);
            }

            table.WriteTo(context.Out);
            var totals = cluster.Totals;
            await context.Out.WriteLineAsync($"{Format.Count(totals.Members, "member")}, {Format.Count(totals.Workers, "worker")}, {totals.Busy} busy; leader {cluster.Leader ?? "none"}").ConfigureAwait(false);
            return ExitCodes.Done;
        });

        return command;
    }
}
