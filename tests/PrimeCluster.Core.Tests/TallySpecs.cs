namespace PrimeCluster.Core.Tests;

public sealed class TallySpecs
{
    [Fact]
    public void Addition_should_stay_exact_beyond_64_bits()
    {
        var big = new Tally(1, ulong.MaxValue);

        var sum = big + big + big;

        Assert.Equal(new Tally(3, (UInt128)ulong.MaxValue * 3), sum);
    }

    [Fact]
    public void Addition_should_refuse_to_wrap_around()
    {
        var huge = new Tally(ulong.MaxValue, 0);

        Assert.Throws<OverflowException>(() => huge + new Tally(1, 0));
    }

    [Fact]
    public void Subtraction_should_take_back_exactly_what_was_added_and_refuse_to_go_below_zero()
    {
        var sum = new Tally(2, (UInt128)ulong.MaxValue * 2) + new Tally(3, 7);

        Assert.Equal(new Tally(2, (UInt128)ulong.MaxValue * 2), sum - new Tally(3, 7));
        Assert.Throws<OverflowException>(() => new Tally(1, 5) - new Tally(1, 6));
    }

    [Fact]
    public void NumberRange_should_measure_the_whole_64_bit_range()
    {
        Assert.Equal(UInt128.One << 64, new NumberRange(0, ulong.MaxValue).Width);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumberRange(2, 1));
    }
}
