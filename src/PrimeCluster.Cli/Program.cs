using PrimeCluster.Cli.Commands;

return await CliApp.RunAsync(args, CliContext.ForConsole()).ConfigureAwait(false);
