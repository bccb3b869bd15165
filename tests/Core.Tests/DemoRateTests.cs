using Socme.Core.Features.Demo;

namespace Socme.Core.Tests;

public sealed class DemoRateTests
{
    [Fact]
    public void Take_OverTwoHours_AveragesTheTarget_WithQuietSpellsAndBursts()
    {
        var rate = new DemoRate(40, new Random(20261122));
        var tick = TimeSpan.FromMilliseconds(100);
        long lines = 0;
        double min = double.MaxValue, max = 0;
        var bursts = 0;
        var wasInBurst = false;
        var ticks = (int)(TimeSpan.FromHours(2) / tick);
        for (var i = 0; i < ticks; i++)
        {
            lines += rate.Take(tick);
            min = Math.Min(min, rate.Current);
            max = Math.Max(max, rate.Current);
            if (rate.InBurst && !wasInBurst)
            {
                bursts++;
            }
            wasInBurst = rate.InBurst;
        }

        var average = lines / TimeSpan.FromHours(2).TotalSeconds;
        Assert.InRange(average, 40 * 0.85, 40 * 1.15);
        Assert.True(min < 40 * 0.5, $"quietest {min:0.0} lines/s");
        Assert.True(max > 40 * 2.5, $"busiest {max:0.0} lines/s");
        Assert.InRange(bursts, 100, 220);
    }

    [Fact]
    public void Take_KeepsFractionsOfLines_SoThatASlowRateStillWrites()
    {
        var rate = new DemoRate(0.5, new Random(1));

        var lines = Enumerable.Range(0, 600).Sum(_ => rate.Take(TimeSpan.FromMilliseconds(100)));

        Assert.InRange(lines, 10, 120);
    }
}
