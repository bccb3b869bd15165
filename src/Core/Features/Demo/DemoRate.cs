namespace Socme.Core.Features.Demo;

/// <summary>
/// How many lines a demo node writes: a slow wave (0.4× to 1.6× over two minutes) with a burst now and then (3× to
/// 6× for 2 to 6 s, about once every 45 s), averaging <see cref="Average"/> lines per second. Real sensors are like
/// that: quiet, busy, and a scan or a brute force all at once.
/// </summary>
internal sealed class DemoRate
{
    private const double WavePeriodSeconds = 120;
    private const double WaveDepth = 0.6;
    private const double MeanSecondsBetweenBursts = 45;
    private const double MinBurstFactor = 3;
    private const double MaxBurstFactor = 6;
    private const double MinBurstSeconds = 2;
    private const double MaxBurstSeconds = 6;

    /// <summary>What bursts add on average, so that the base rate can be set below the average.</summary>
    private const double BurstShare = ((MinBurstFactor + MaxBurstFactor) / 2 - 1) * ((MinBurstSeconds + MaxBurstSeconds) / 2) / MeanSecondsBetweenBursts;

    private readonly Random _random;
    private readonly double _base;
    private readonly double _phase;
    private double _seconds;
    private double _carry;
    private double _burstLeft;
    private double _burstFactor = 1;

    public DemoRate(double average, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(average);
        _random = random ?? throw new ArgumentNullException(nameof(random));
        Average = average;
        _base = average / (1 + BurstShare);
        _phase = random.NextDouble() * 2 * Math.PI;
    }

    public double Average { get; }

    /// <summary>Lines per second right now.</summary>
    public double Current { get; private set; }

    /// <summary>True while a burst lasts.</summary>
    public bool InBurst => _burstLeft > 0;

    /// <summary>Advances the clock by <paramref name="elapsed"/>; returns the whole lines due in that time.</summary>
    public int Take(TimeSpan elapsed)
    {
        var dt = Math.Max(0, elapsed.TotalSeconds);
        _seconds += dt;
        if (_burstLeft > 0)
        {
            _burstLeft -= dt;
        }
        else if (_random.NextDouble() < dt / MeanSecondsBetweenBursts)
        {
            _burstLeft = MinBurstSeconds + _random.NextDouble() * (MaxBurstSeconds - MinBurstSeconds);
            _burstFactor = MinBurstFactor + _random.NextDouble() * (MaxBurstFactor - MinBurstFactor);
        }
        var wave = 1 + WaveDepth * Math.Sin(2 * Math.PI * _seconds / WavePeriodSeconds + _phase);
        Current = _base * wave * (_burstLeft > 0 ? _burstFactor : 1);
        _carry += Current * dt;
        var lines = (int)Math.Floor(_carry);
        _carry -= lines;
        return lines;
    }
}
