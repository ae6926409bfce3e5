namespace PrimeCluster.Core.Planning;

/// <summary>
/// The cumulative cost of a range, tabulated at a fixed number of points and interpolated between them, so that
/// any fraction of the cost can be mapped back to an offset in the range in constant memory.
/// </summary>
internal sealed class CostCurve
{
    private const int Intervals = 4096;

    // Gauss-Legendre nodes and weights on [-1, 1]; the density is smooth, so four points per interval are plenty.
    private static readonly double[] Nodes = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
    private static readonly double[] Weights = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

    private readonly double[] _cumulative;
    private readonly double _intervalWidth;

    public CostCurve(NumberRange range, Func<double, double> density)
    {
        var width = (double)range.Width;
        var intervals = (int)UInt128.Min(Intervals, range.Width);
        _intervalWidth = width / intervals;
        _cumulative = new double[intervals + 1];
        for (var k = 0; k < intervals; k++)
        {
            var mid = range.From + (k + 0.5) * _intervalWidth;
            var half = _intervalWidth / 2;
            var cost = 0.0;
            for (var i = 0; i < Nodes.Length; i++)
            {
                cost += Weights[i] * density(mid + Nodes[i] * half);
            }

            _cumulative[k + 1] = _cumulative[k] + cost * half;
        }
    }

    public double Total => _cumulative[^1];

    /// <summary>The offset from the start of the range at which the cumulative cost reaches <paramref name="cost"/>.</summary>
    public double OffsetAt(double cost)
    {
        if (cost <= 0)
        {
            return 0;
        }

        if (cost >= Total)
        {
            return (_cumulative.Length - 1) * _intervalWidth;
        }

        var index = Array.BinarySearch(_cumulative, cost);
        if (index >= 0)
        {
            return index * _intervalWidth;
        }

        var k = ~index - 1;
        var fraction = (cost - _cumulative[k]) / (_cumulative[k + 1] - _cumulative[k]);
        return (k + fraction) * _intervalWidth;
    }
}
