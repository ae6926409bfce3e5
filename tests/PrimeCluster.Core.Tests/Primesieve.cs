using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace PrimeCluster.Core.Tests;

/// <summary>primesieve (Debian package <c>primesieve</c>), an independent count of the primes in a range.</summary>
internal static class Primesieve
{
    public static ulong CountPrimes(ulong from, ulong til)
    {
        var start = new ProcessStartInfo("primesieve") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { from.ToString(CultureInfo.InvariantCulture), til.ToString(CultureInfo.InvariantCulture), "--quiet" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("primesieve did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("primesieve is not installed: apt-get install primesieve", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                process.Kill();
                throw new TimeoutException($"primesieve {from} {til} took over a minute");
            }

            return process.ExitCode == 0
                ? ulong.Parse(output.Trim(), CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"primesieve {from} {til} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}
